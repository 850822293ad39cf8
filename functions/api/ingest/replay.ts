import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { replayDeadLetters } from "../../ingest/dead-letters.ts";
import { createIngestRedis } from "../../ingest/stream.ts";
import type { AppEnv } from "../../shared/app-env.ts";
import { ReplayResult } from "./schemas.ts";
import { problems, secured } from "../openapi.ts";

export const ingestReplayRoute = createRoute({
  method: "post",
  path: "/api/v1/ingest/dead-letters/replay",
  tags: ["ingest"],
  summary: "Put dead letters back on the click stream",
  description:
    "Moves the oldest dead letters (up to `limit`, at most 1,000 a call) back onto the click stream, for the next run to ingest: " +
    "after a fix to the code that refused them. An entry still unusable is dead-lettered again; a click " +
    "already ingested is not counted twice.",
  ...secured("admin"),
  request: {
    query: z.object({ limit: z.coerce.number().int().min(1).max(1000).default(1000) }),
  },
  responses: {
    200: { description: "Dead letters moved", content: { "application/json": { schema: ReplayResult } } },
    ...problems(400),
  },
});

export function registerIngestReplay(app: OpenAPIHono<AppEnv>) {
  app.openapi(ingestReplayRoute, async (c) => {
    const { limit } = c.req.valid("query");
    return c.json(await replayDeadLetters(createIngestRedis(c.var.config), limit, c.var.config.INGEST_REDIS_BYTES), 200);
  });
}
