/**
 * Child process of test/node/ingest-large.node.ts: THE ingest routine (functions/ingest/run.ts) in Node, as
 * bench/ingest.ts runs it, with the production clients (@upstash/redis through the Upstash REST bridge,
 * @neondatabase/serverless through the Neon proxy), run until the stream is drained. Started with a small
 * heap (--max-old-space-size), so a run that holds too much at once dies here as a Worker would.
 * Bindings come in EATMYURL_INGEST_BINDINGS; prints one JSON line: the totals and the largest heap seen.
 */
import { neonConfig } from "@neondatabase/serverless";
import ws from "ws";
import { createDb } from "../../db/client.ts";
import { runIngest } from "../../functions/ingest/run.ts";
import { ingestSettings } from "../../functions/ingest/settings.ts";
import { createIngestRedis } from "../../functions/ingest/stream.ts";
import { parseEnv } from "../../functions/shared/env.ts";

neonConfig.webSocketConstructor = ws;

const env = parseEnv(JSON.parse(process.env.EATMYURL_INGEST_BINDINGS ?? "{}"));
const { db, pool } = createDb(env);
const redis = createIngestRedis(env, 120_000);
let heapMB = 0;
const sample = setInterval(() => { heapMB = Math.max(heapMB, process.memoryUsage().heapUsed / 2 ** 20); }, 20);
const total = { ingested: 0, processed: 0, deadLettered: 0, runs: 0 };
try {
  for (let drained = false; !drained && total.runs < 20; total.runs++) {
    const r = await runIngest({ redis, db, settings: ingestSettings(env) });
    total.ingested += r.ingested;
    total.processed += r.processed;
    total.deadLettered += r.deadLettered;
    drained = r.drained;
  }
} finally {
  clearInterval(sample);
  await pool.end();
}
process.stdout.write(`${JSON.stringify({ ...total, heapMB: Math.round(heapMB) })}\n`);
