import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { getIngestStatus } from "../../ingest/run-status.ts";
import { createIngestRedis } from "../../ingest/stream.ts";
import type { AppEnv } from "../../shared/app-env.ts";
import { IngestStatusSchema } from "./schemas.ts";
import { problems, secured } from "../openapi.ts";

export const ingestStatusRoute = createRoute({
  method: "get",
  path: "/api/v1/ingest/status",
  tags: ["ingest"],
  summary: "What waits to be ingested, the dead letters, and the last run",
  description:
    "Always 200 while the Worker runs: a backing service that cannot be asked leaves its figures null and is " +
    "named in `errors` (alert on that too).",
  ...secured("admin"),
  responses: {
    200: { description: "Pipeline status", content: { "application/json": { schema: IngestStatusSchema } } },
    ...problems(),
  },
});

export function registerIngestStatus(app: OpenAPIHono<AppEnv>) {
  app.openapi(ingestStatusRoute, async (c) => {
    const status = await getIngestStatus(createIngestRedis(c.var.config, 5000), c.var.db());
    c.header("cache-control", "no-store");
    return c.json(status, 200);
  });
}
