import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { ingestOnce } from "../../ingest/once.ts";
import { pendingCount } from "../../ingest/run-status.ts";
import { createIngestRedis } from "../../ingest/stream.ts";
import type { AppEnv } from "../../shared/app-env.ts";
import { ApiError } from "../../shared/errors.ts";
import { adminOrQStash } from "./auth.ts";
import { problemContent } from "../../shared/problem-schema.ts";
import { FlushResult } from "./schemas.ts";
import { problems, SECURITY_SCHEME } from "../openapi.ts";
import { kickWebhooks } from "../../webhooks/kick.ts";
import { noteWorkDue } from "../../shared/work-due.ts";

/**
 * The body is read only to check a QStash signature over it (QStash sends the schedule's body, empty by
 * default): anything past a few KiB is refused with 413 before it is read, whoever sends it.
 */
export const MAX_FLUSH_BODY_BYTES = 8 * 1024;

export const ingestFlushRoute = createRoute({
  method: "post",
  path: "/api/v1/ingest/flush",
  tags: ["ingest"],
  summary: "Run the ingest routine now (admin key, or a QStash-signed call)",
  description:
    "Drains the click stream and the inbox into Postgres, exactly as the cron does, until both are empty or " +
    "INGEST_BUDGET_MS is spent. Authorized by an admin key or by a valid `Upstash-Signature` header.",
  // Documented as admin-only; a valid QStash signature is the other way in (see auth.ts).
  security: [{ [SECURITY_SCHEME]: ["admin"] }],
  // Its body limit (MAX_FLUSH_BODY_BYTES) is applied app-wide before anything else: functions/app.ts.
  middleware: [adminOrQStash] as const,
  responses: {
    200: { description: "The run went through", content: { "application/json": { schema: FlushResult } } },
    ...problems(413),
    503: {
      description: "Redis or Postgres failed: nothing uncommitted was acknowledged, the next run resumes",
      content: problemContent,
    },
  },
});

export function registerIngestFlush(app: OpenAPIHono<AppEnv>) {
  app.openapi(ingestFlushRoute, async (c) => {
    const config = c.var.config;
    const redis = createIngestRedis(config);
    const db = c.var.db();
    const trigger = c.var.principal?.id === "qstash" ? "qstash" : "flush";
    const { result, error } = await ingestOnce({ redis, db, env: config, trigger });
    if (error) {
      throw new ApiError(503, `Ingestion stopped after ${result.ingested} new clicks: ${(error as Error).message ?? error}. ` +
        "Entries not committed stay pending and are taken up by the next run.");
    }
    kickWebhooks(c); // the clicks events this run committed
    // Clicks it committed may make maintenance due (days to fold, retention): the cron's idle check must know.
    if (result.ingested) c.var.defer("work due", async () => noteWorkDue(redis, db, config));
    const pending = await pendingCount(redis, db).catch((e) => {
      throw new ApiError(503, `Ingested ${result.ingested} clicks, but could not count what is pending: ${e.message}`);
    });
    return c.json({
      ingested: result.ingested,
      pending,
      processed: result.processed,
      deadLettered: result.deadLettered,
      drained: result.drained,
      durationMs: result.ms,
    }, 200);
  });
}
