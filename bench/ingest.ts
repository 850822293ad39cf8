/**
 * `npm run bench:ingest`: drain rate of the click pipeline, rollups included, beside a plain multi-row
 * INSERT of the same rows through the same driver, in the same run (STACK.md: compare as ratios).
 *
 * Starts its own throwaway stack (dev/stack.ts, in a child process: bench/stack-process.ts), queues CLICKS (default 100,000) ClickEvents on the Redis
 * stream (XADD, pipelined, straight to redis-server), then runs THE ingest routine (functions/cron/ingest.ts)
 * in Node against the stack the way the Worker does: @upstash/redis through the Upstash REST bridge and
 * @neondatabase/serverless through the Neon WebSocket proxy. The baseline inserts the same enriched rows
 * into a copy of the clicks table (same columns and indexes) with multi-row INSERTs (as many rows as
 * Postgres's 65,535 parameters allow, or the batch size if smaller).
 *
 * Besides wall time it prints the CPU time of the Postgres backends and of this Node process (the client
 * side: the routine and the drivers; the bridge and the proxy run in the stack's process, as the remote
 * Upstash and Neon would): on a shared 2-core machine wall time depends on the neighbours, CPU time less.
 *
 * Settings (environment): CLICKS, INGEST_BATCH_SIZE (default: the Worker's), and those of bench/clicks.ts.
 * `--quick` (npm run bench -- --quick, part of npm test): 10,000 clicks unless CLICKS says otherwise. Ends with
 * the BENCH_ROWS line that `npm run bench` (bench/run.ts) gathers into its one table.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import readline from "node:readline";
import { neonConfig, type Pool } from "@neondatabase/serverless";
import { sql } from "drizzle-orm";
import { Redis as IORedis } from "ioredis";
import ws from "ws";
import { prepare, runIngest } from "../functions/cron/ingest.ts";
import type { ClickRecord } from "../functions/cron/ingest-enrich.ts";
import type { ClickEvent } from "../functions/shared/click-event.ts";
import { createIngestRedis } from "../functions/cron/ingest-stream.ts";
import { createDb } from "../functions/shared/db.ts";
import { parseEnv } from "../functions/shared/env.ts";
import { redisKeys } from "../functions/shared/keys.ts";
import { LINKS, makeClicks, SPAN_HOURS, UAS, VISITORS } from "./clicks.ts";
import { emit, fmt as fmtN, quick } from "./lib/report.ts";

neonConfig.webSocketConstructor = ws;

const CLICKS = Number(process.env.CLICKS ?? (quick ? 10_000 : 100_000));
const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

/** CPU milliseconds used so far by the server processes of this cluster (Linux /proc; 0 elsewhere). */
async function postgresCpuMs(pool: Pool): Promise<number> {
  const { rows } = await pool.query<{ pid: number }>("select pid from pg_stat_activity");
  let ms = 0;
  for (const { pid } of rows) {
    try {
      const f = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
      ms += (Number(f[11]) + Number(f[12])) * 10; // utime + stime, in 10 ms ticks
    } catch { /* gone, or not Linux */ }
  }
  return ms;
}
const nodeCpuMs = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };

async function measure(pool: Pool, run: () => Promise<void>) {
  const [pg0, node0, t0] = [await postgresCpuMs(pool), nodeCpuMs(), performance.now()];
  await run();
  const ms = performance.now() - t0;
  return { ms, pgCpu: (await postgresCpuMs(pool)) - pg0, nodeCpu: nodeCpuMs() - node0 };
}

const loadBefore = fs.existsSync("/proc/loadavg") ? fs.readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ") : "?";
const child = spawn(process.execPath, ["--import", "tsx", new URL("./stack-process.ts", import.meta.url).pathname],
  { stdio: ["pipe", "pipe", "inherit"] });
const stack = await new Promise<{ bindings: Record<string, string>; redisUrl: string }>((resolve, reject) => {
  readline.createInterface({ input: child.stdout! }).once("line", (l) => resolve(JSON.parse(l)));
  child.once("exit", (code) => reject(new Error(`the stack process exited (${code})`)));
});
try {
  const env = parseEnv({ ...stack.bindings, ADMIN_API_KEY: "bench-admin-key-0123456789",
    ...(process.env.INGEST_BATCH_SIZE ? { INGEST_BATCH_SIZE: process.env.INGEST_BATCH_SIZE } : {}) });
  const batch = env.INGEST_BATCH_SIZE;
  // Held only until both runs have their input: the ingest run should not pay for marking them in every GC.
  let events: ClickEvent[] | null = makeClicks(CLICKS);

  // Queue: XADD straight to redis-server, pipelined (the redirect adds them one by one through Upstash).
  const ioredis = new IORedis(stack.redisUrl, { protocol: 2 } as never);
  for (let i = 0; i < events.length; i += 5000) {
    const p = ioredis.pipeline();
    for (const e of events.slice(i, i + 5000)) p.xadd(redisKeys.clickStream, "*", "e", JSON.stringify(e));
    await p.exec();
  }

  const { db, pool } = createDb(env);
  const redis = createIngestRedis(env, 60_000);

  // Baseline: the same enriched rows, plain multi-row INSERTs, same driver, same table shape.
  await db.execute(sql`create table clicks_plain (like clicks including all)`);
  let records: ClickRecord[] | null = prepare(events.map((e, i) => ({ from: String(i), e: JSON.stringify(e) }))).records;
  events = null;
  const cols = Object.keys(records[0]) as (keyof ClickRecord)[];
  const plainBatch = Math.min(batch, Math.floor(65_535 / cols.length));
  const plain = await measure(pool, async () => {
    for (let i = 0; i < records!.length; i += plainBatch) {
      const params: unknown[] = [];
      const tuples = records!.slice(i, i + plainBatch)
        .map((r) => `(${cols.map((c) => (params.push(r[c]), `$${params.length}`)).join(",")})`);
      await pool.query(`insert into clicks_plain (${cols.join(",")}) values ${tuples.join(",")}`, params);
    }
  });
  records = null;

  // The pipeline: read through the consumer group, enrich, insert + rollups in one transaction, acknowledge.
  let ingested = 0;
  const ingest = await measure(pool, async () => {
    const r = await runIngest({ redis, db, settings: { batchSize: batch, budgetMs: 10 * 60_000, claimIdleMs: 60_000 } });
    ingested = r.ingested;
  });

  const check = await db.execute<{ raw: number; rolled: number; dims: number }>(sql`
    select (select count(*) from clicks)::int as raw,
           (select coalesce(sum(clicks), 0) from clicks_hourly where link_id = '*')::int as rolled,
           (select coalesce(sum(clicks), 0) from clicks_dims_daily where link_id = '*' and dim = 'country')::int as dims`);
  const left = await ioredis.xlen(redisKeys.clickStream);
  const { raw, rolled, dims } = check.rows[0];
  if (raw !== CLICKS || rolled !== CLICKS || dims !== CLICKS || left !== 0 || ingested !== CLICKS) {
    throw new Error(`inconsistent: raw ${raw}, rolled ${rolled}, dims ${dims}, left ${left}, ingested ${ingested}`);
  }
  await ioredis.quit();
  await pool.end();

  const rate = (m: { ms: number }) => CLICKS / (m.ms / 1000);
  const row = (name: string, m: Awaited<ReturnType<typeof measure>>) =>
    `| ${name} | ${fmt(CLICKS)} | ${(m.ms / 1000).toFixed(2)} | ${fmt(rate(m))} | ${(m.pgCpu / 1000).toFixed(2)} | ${(m.nodeCpu / 1000).toFixed(2)} |`;
  const ratio = rate(ingest) / rate(plain);
  const cpuRatio = (plain.pgCpu + plain.nodeCpu) / (ingest.pgCpu + ingest.nodeCpu);
  console.log(`
Ingest benchmark: ${fmt(CLICKS)} clicks over ${SPAN_HOURS} h, ${LINKS} links, ${fmt(VISITORS)} visitors, ${UAS.length} user agents; batch ${fmt(batch)}; Node ${process.version}; routine run in Node against redis-server + Upstash bridge and PostgreSQL + Neon proxy (stack in its own process); load average before: ${loadBefore}

| path | rows | seconds | rows/s | Postgres CPU s | Node CPU s |
| --- | ---: | ---: | ---: | ---: | ---: |
${row("ingest routine (stream read, enrich, raw insert + rollups, ack)", ingest)}
${row(`plain multi-row INSERT of the same rows (${fmt(plainBatch)} a statement)`, plain)}

Ratio ingest / plain: ${ratio.toFixed(2)} by wall time, ${cpuRatio.toFixed(2)} by CPU time (Postgres + Node).
Goal (>= 20,000 clicks/s and >= 0.5 of plain): ${rate(ingest) >= 20_000 && ratio >= 0.5 ? "met" : "not met"} in this run.`);
  const cpu = (m: Awaited<ReturnType<typeof measure>>) =>
    `CPU: Postgres ${(m.pgCpu / 1000).toFixed(2)} s, Node ${(m.nodeCpu / 1000).toFixed(2)} s`;
  const mark = (ok: boolean) => (ok ? "✔" : "✘");
  emit([{
    bench: "ingest",
    case: `${fmtN(CLICKS)} clicks: stream read, enrich, raw insert + rollups, ack (batch ${fmtN(batch)})`,
    value: `${fmt(rate(ingest))} clicks/s (${(ingest.ms / 1000).toFixed(2)} s; ${cpu(ingest)})`,
    baseline: `plain multi-row INSERT of the same rows: ${fmt(rate(plain))} rows/s (${cpu(plain)})`,
    ratio: `${ratio.toFixed(2)}× by wall time, ${cpuRatio.toFixed(2)}× by CPU`,
    goal: `≥ 20,000 clicks/s ${mark(rate(ingest) >= 20_000)}, ≥ 0.5× plain ${mark(ratio >= 0.5)}`,
  }]);
} finally {
  child.stdin!.end();
  await new Promise((r) => child.once("exit", r));
}
