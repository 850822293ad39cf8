/**
 * One ingest run (functions/ingest/run.ts) in a process of its own, for bench/chaos.ts to SIGKILL in the
 * middle of a commit: the production clients (@upstash/redis through the Upstash bridge, Neon through its
 * WebSocket proxy), as bench/ingest.ts runs it. The stack's bindings come in CHAOS_BINDINGS (JSON).
 *   argv[2] = "before": prints `commit <n>` when a stream batch starts committing, and lets the commit go on
 *             (the parent kills it while the transaction is in flight).
 *   argv[2] = "after":  prints `committed <n>` after a batch committed and waits there, before its
 *             acknowledgement (the parent kills it: the batch is committed but still pending in the stream).
 * Prints `done <ingested>` if it ever gets to the end (nothing was there to kill it in).
 */
import { neonConfig } from "@neondatabase/serverless";
import ws from "ws";
import { createDb } from "../db/client.ts";
import { runIngest } from "../functions/ingest/run.ts";
import { createIngestRedis } from "../functions/ingest/stream.ts";
import { parseEnv } from "../functions/shared/env.ts";

neonConfig.webSocketConstructor = ws;
const mode = process.argv[2] === "after" ? "after" : "before";
const env = parseEnv({ ...JSON.parse(process.env.CHAOS_BINDINGS ?? "{}"), ADMIN_API_KEY: "bench-chaos-ingest-0123456789abcdef" });
const { db, pool } = createDb(env);
const redis = createIngestRedis(env, 10_000);
const say = (l: string): void => { process.stdout.write(`${l}\n`); };
const r = await runIngest({
  redis,
  db,
  // Small batches: several commits per run, so there is one to be killed in.
  settings: { batchSize: 2000, budgetMs: 30_000, claimIdleMs: 5000 },
  beforeCommit: mode === "before" ? (b) => say(`commit ${b.clicks.length}`) : undefined,
  afterCommit: mode === "after"
    ? async (b) => { if (b.source === "stream") { say(`committed ${b.inserted}`); await new Promise(() => setInterval(() => {}, 1000)); } }
    : undefined,
});
say(`done ${r.ingested}`);
await pool.end();
