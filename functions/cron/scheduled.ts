import type { RawEnv } from "../shared/env.ts";
import { parseEnv } from "../shared/env.ts";
import { createDb } from "../../db/client.ts";
import { nextWorkDue } from "../../db/queries/work-due.ts";
import { ingestOnce } from "../ingest/once.ts";
import { runRetention } from "../ingest/retention.ts";
import { createIngestRedis } from "../ingest/stream.ts";
import { runWebhooks } from "../webhooks/run.ts";
import { runImports } from "../imports/jobs.ts";
import { runHealthChecks } from "../health/run.ts";
import { unsafeThreats } from "../abuse/safe-browsing.ts";
import { foldDimBlocks, sealTarget } from "../../db/queries/dim-blocks.ts";
import { createRedis } from "../shared/redis.ts";
import { lowerWorkDue, probeWork, settleWorkDue, type WorkProbe } from "../shared/work-due.ts";

/**
 * The cron function, fired every minute by the Worker's cron trigger (and by `npm run dev` locally).
 *
 * First ONE Upstash command (functions/shared/work-due.ts): are clicks waiting, is other Postgres work due?
 * When neither, the run ends there: no Postgres connection, so Neon's compute can suspend (docs/cost.md).
 * Otherwise: ingestion when clicks wait (or Redis could not be asked), then webhooks (the clicks events the
 * ingest just wrote, and deliveries due), and, when their time has come, background imports, the fold of
 * sealed days into dimension blocks, retention and link health checks; last, the next due time as Postgres has it. The handler's
 * promise is the run: the runtime keeps the invocation alive until it settles, and a failure shows as a
 * failed cron invocation (after being recorded for /ingest/status).
 */
export async function runScheduled(controller: ScheduledController, raw: RawEnv, ctx: ExecutionContext): Promise<void> {
  const env = parseEnv(raw);
  const redis = createIngestRedis(env);
  const now = Date.now();
  let probe: WorkProbe | null = null;
  try {
    probe = await probeWork(redis);
  } catch (e) {
    // Redis down: clicks are going to the Postgres inbox meanwhile, so this run drains it and does the rest.
    console.error("cron: Redis did not answer the idle check; running every step:", e instanceof Error ? e.message : e);
  }
  const clicksWaiting = probe === null || probe.oldestClick !== null;
  const ingestDue = probe === null || (probe.oldestClick !== null && now - probe.oldestClick >= env.INGEST_DELAY_SECONDS * 1000);
  const otherDue = probe === null || (probe.due !== null && probe.due.at <= now);
  if (!ingestDue && !otherDue) return;

  const { db, pool } = createDb(env);
  const failures: unknown[] = [];
  const step = async <T>(name: string, run: () => Promise<T>, done: (r: T) => boolean) => {
    try {
      const r = await run();
      if (done(r)) console.log(`${name}: ${JSON.stringify(r)}`);
      return r;
    } catch (e) {
      console.error(`${name} failed:`, e);
      failures.push(e);
      return null;
    }
  };
  try {
    let ingested = 0;
    // The inbox is drained with the stream: ingest whenever Postgres is open anyway and clicks may wait.
    if (clicksWaiting || otherDue) {
      const run = await ingestOnce({ redis, db, env, trigger: `cron ${controller.cron}` });
      if (run.error) failures.push(run.error);
      else if (run.result.processed) console.log(`ingest: ${JSON.stringify(run.result)}`);
      ingested = run.result.ingested;
    }
    // Right after the ingest commit: the clicks events it wrote, and every delivery due (docs/webhooks.md).
    if (ingested || otherDue) await step("webhooks", () => runWebhooks(db, env), (h) => Boolean(h.events || h.attempted));
    // What the ingest added may have made maintenance due (old clicks past retention, days to fold).
    const dueNext = () => step("work due", () => nextWorkDue(db, env.RAW_RETENTION_DAYS, env.HEALTH_CHECK_DAYS).then((at) => ({ at })), () => false);
    let next = await dueNext();
    if (otherDue || (next?.at != null && next.at <= Date.now())) {
      // Background imports (functions/imports/jobs.ts): a chunk per transaction until the budget is spent.
      await step("imports", () => runImports({ db, config: env, redis: createRedis(env), waitUntil: (p) => ctx.waitUntil(p) }), (r) => Boolean(r.chunks));
      // Once a day has been sealed: its dimensions folded into blocks of days (db/queries/dim-blocks.ts).
      await step("dimension blocks", () => foldDimBlocks(db, sealTarget(Date.now())), (r) => Boolean(r.rows));
      await step("retention", () => runRetention(db, redis, env), (r) => Boolean(r.clicks || r.visitorDays));
      // Destinations due for a health check, HEALTH_CHECKS_PER_RUN at most (functions/health/run.ts), with Safe
      // Browsing's verdicts on them when SAFE_BROWSING_API_KEY is set.
      await step("health", () => {
        const r = createRedis(env);
        return runHealthChecks({ db, env, redis: r, waitUntil: (p) => ctx.waitUntil(p), checkUnsafe: unsafeThreats(env, r) });
      }, (r) => Boolean(r.checked || r.refused));
      next = await dueNext();
    }
    // Unknown (Postgres failed): asked again by the next run; known and changed: kept for the idle check.
    if (next === null) await lowerWorkDue(redis, Date.now());
    else if (next.at !== (probe?.due?.at ?? null)) await step("work due", () => settleWorkDue(redis, probe?.due ?? null, next.at), () => false);
  } finally {
    // Sockets cannot outlive the invocation; closing is awaited through waitUntil, never left dangling.
    ctx.waitUntil(pool.end().catch(() => {}));
  }
  if (failures.length) throw failures[0];
}
