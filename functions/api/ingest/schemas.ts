/** Response schemas of the ingest control routes (they drive the OpenAPI document). */
import { z } from "@hono/zod-openapi";

export const FlushResult = z
  .object({
    ingested: z.number().int().openapi({ description: "Clicks inserted by this run (duplicates not counted)." }),
    pending: z.number().int().openapi({ description: "Clicks still waiting (stream entries + inbox rows) after it." }),
    processed: z.number().int().openapi({ description: "Entries and inbox rows handled, duplicates and dead letters included." }),
    deadLettered: z.number().int(),
    drained: z.boolean().openapi({ description: "False when the time budget ran out first; call again." }),
    durationMs: z.number().int(),
  })
  .openapi("IngestFlushResult");

const LastRun = z.object({
  at: z.string(),
  trigger: z.string(),
  ingested: z.number().int(),
  processed: z.number().int(),
  deadLettered: z.number().int(),
  durationMs: z.number().int(),
  error: z.string().nullable(),
  lastSuccessAt: z.string().nullable(),
});

export const IngestStatusSchema = z
  .object({
    pending: z.number().int().nullable().openapi({ description: "Clicks not yet ingested: stream entries plus inbox rows." }),
    oldestPendingAgeSeconds: z.number().int().nullable().openapi({ description: "Age of the oldest click not yet ingested; 0 when none waits." }),
    deadLetters: z.number().int().nullable(),
    stream: z.object({ length: z.number().int(), delivered: z.number().int(), oldestAt: z.string().nullable() }).nullable(),
    inbox: z.object({ rows: z.number().int(), oldestAt: z.string().nullable() }).nullable(),
    lastRun: LastRun.nullable(),
    errors: z.record(z.string(), z.string()).optional().openapi({ description: "A backing service that could not be asked." }),
  })
  .openapi("IngestStatus");

export const ReplayResult = z
  .object({ replayed: z.number().int(), remaining: z.number().int() })
  .openapi("DeadLetterReplayResult");
