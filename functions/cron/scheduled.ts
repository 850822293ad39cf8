import type { RawEnv } from "../shared/env.ts";
import { parseEnv } from "../shared/env.ts";
import { createDb } from "../../db/client.ts";
import { ingestOnce } from "../ingest/once.ts";
import { runRetention } from "../ingest/retention.ts";
import { createIngestRedis } from "../ingest/stream.ts";
import { runWebhooks } from "../webhooks/run.ts";
import { runImports } from "../imports/jobs.ts";
import { foldDimBlocks, sealTarget } from "../../db/queries/dim-blocks.ts";
import { createRedis } from "../shared/redis.ts";

/**
 * The cron function, fired every minute by the Worker's cron trigger (and by `npm run dev` locally):
 * ingestion, then webhooks, then background imports, then the fold of sealed days into dimension blocks,
 * then retention. The handler's promise is the run: the runtime keeps the invocation alive until it settles,
 * and a failure shows as a failed cron invocation (after being recorded for /ingest/status).
 */
export async function runScheduled(controller: ScheduledController, raw: RawEnv, ctx: ExecutionContext): Promise<void> {
  const env = parseEnv(raw);
  const { db, pool } = createDb(env);
  const redis = createIngestRedis(env);
  const failures: unknown[] = [];
  try {
    const run = await ingestOnce({ redis, db, env, trigger: `cron ${controller.cron}` });
    if (run.error) failures.push(run.error);
    else if (run.result.processed) console.log(`ingest: ${JSON.stringify(run.result)}`);
    try {
      // Right after the ingest commit: the clicks events it wrote, and every delivery due (docs/webhooks.md).
      const hooks = await runWebhooks(db, env);
      if (hooks.events || hooks.attempted) console.log(`webhooks: ${JSON.stringify(hooks)}`);
    } catch (e) {
      console.error("webhooks failed:", e);
      failures.push(e);
    }
    try {
      // Background imports (functions/imports/jobs.ts): a chunk per transaction until the budget is spent.
      const imports = await runImports({ db, config: env, redis: createRedis(env), waitUntil: (p) => ctx.waitUntil(p) });
      if (imports.chunks) console.log(`imports: ${JSON.stringify(imports)}`);
    } catch (e) {
      console.error("imports failed:", e);
      failures.push(e);
    }
    try {
      // Once a day has been sealed: its dimensions folded into blocks of days (db/queries/dim-blocks.ts).
      const fold = await foldDimBlocks(db, sealTarget(Date.now()));
      if (fold.rows) console.log(`dimension blocks: ${JSON.stringify(fold)}`);
    } catch (e) {
      console.error("dimension blocks failed:", e);
      failures.push(e);
    }
    try {
      const kept = await runRetention(db, redis, env);
      if (kept.clicks || kept.visitorDays) console.log(`retention: ${JSON.stringify(kept)}`);
    } catch (e) {
      console.error("retention failed:", e);
      failures.push(e);
    }
  } finally {
    // Sockets cannot outlive the invocation; closing is awaited through waitUntil, never left dangling.
    ctx.waitUntil(pool.end().catch(() => {}));
  }
  if (failures.length) throw failures[0];
}
