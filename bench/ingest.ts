/**
 * `npm run bench:ingest`: drain rate of the click pipeline, rollups included, beside a plain multi-row
 * INSERT of the same rows through the same driver, in the same run (compared as a ratio: on 2 shared cores, absolute figures swing from run to run).
 *
 * Starts its own throwaway stack (dev/stack.ts, in a child process: bench/stack-process.ts), queues CLICKS
 * (default 100,000) ClickEvents on the Redis stream (XADD, pipelined, straight to redis-server), then runs
 * THE ingest routine (functions/ingest/run.ts)
 * in Node against the stack the way the Worker does: @upstash/redis through the Upstash REST bridge and
 * @neondatabase/serverless through the Neon WebSocket proxy. The baseline inserts the same enriched rows
 * into a copy of the clicks table (same columns and indexes) with multi-row INSERTs (as many rows as
 * Postgres's 65,535 parameters allow, or the batch size if smaller).
 *
 * Besides wall time it prints CPU time: of the Postgres cluster, of this Node process (the client side: the
 * routine and the drivers) and of the stack's process (the Upstash bridge and the Neon proxy, which stand
 * for remote services but share these 2 cores): wall time depends on the neighbours, CPU time less.
 *
 * ROUNDS rounds (default 3), each from empty tables, plain first in odd rounds and last in even ones; the
 * medians are the figures.
 *
 * Settings (environment): CLICKS, ROUNDS, INGEST_BATCH_SIZE (default: the Worker's), and those of
 * bench/clicks.ts. `--quick` (npm run bench -- --quick, part of npm test): 10,000 clicks and one round unless
 * CLICKS and ROUNDS say otherwise. Ends with
 * the BENCH_ROWS line that `npm run bench` (bench/run.ts) gathers into its one table.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import readline from "node:readline";
import { neonConfig } from "@neondatabase/serverless";
import { sql } from "drizzle-orm";
import { Redis as IORedis } from "ioredis";
import ws from "ws";
import { prepare, runIngest } from "../functions/ingest/run.ts";
import type { ClickRecord } from "../functions/ingest/enrich.ts";
import { createIngestRedis } from "../functions/ingest/stream.ts";
import { createDb } from "../db/client.ts";
import { parseEnv } from "../functions/shared/env.ts";
import { redisKeys } from "../functions/shared/redis-keys.ts";
import { LINKS, makeClicks, SPAN_HOURS, UAS, VISITORS } from "./clicks.ts";
import { procStat } from "./lib/proc.ts";
import { emit, fmt, median, quick } from "./lib/report.ts";

neonConfig.webSocketConstructor = ws;

const CLICKS = Number(process.env.CLICKS ?? (quick ? 10_000 : 100_000));
const ROUNDS = Number(process.env.ROUNDS ?? (quick ? 1 : 3));

/**
 * CPU milliseconds used so far by the whole Postgres cluster: the postmaster, its live children (backends,
 * autovacuum, checkpointer...) and, through the postmaster's cutime, the children that already exited.
 */
function postgresCpuMs(postmaster: number): number {
  const pm = procStat(postmaster);
  if (!pm) return 0;
  let ms = pm.cpuMs + pm.childrenMs;
  for (const entry of fs.readdirSync("/proc")) {
    const pid = Number(entry);
    if (!pid) continue;
    const p = procStat(pid);
    if (p?.ppid === postmaster) ms += p.cpuMs;
  }
  return ms;
}
const nodeCpuMs = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };

interface Measured {
  ms: number;
  pgCpu: number;
  nodeCpu: number;
  stackCpu: number;
}

async function measure(postmaster: number, run: () => Promise<void>): Promise<Measured> {
  const stackCpu = () => procStat(child.pid!)?.cpuMs ?? 0;
  const [pg0, node0, stack0, t0] = [postgresCpuMs(postmaster), nodeCpuMs(), stackCpu(), performance.now()];
  await run();
  const ms = performance.now() - t0;
  return { ms, pgCpu: postgresCpuMs(postmaster) - pg0, nodeCpu: nodeCpuMs() - node0, stackCpu: stackCpu() - stack0 };
}

const loadBefore = fs.existsSync("/proc/loadavg") ? fs.readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ") : "?";
const child = spawn(process.execPath, ["--import", "tsx", new URL("./stack-process.ts", import.meta.url).pathname],
  { stdio: ["pipe", "pipe", "inherit"] });
const stack = await new Promise<{ bindings: Record<string, string>; redisUrl: string }>((resolve, reject) => {
  readline.createInterface({ input: child.stdout! }).once("line", (l) => resolve(JSON.parse(l)));
  child.once("exit", (code) => reject(new Error(`the stack process exited (${code})`)));
});
try {
  const env = parseEnv({ ...stack.bindings, ADMIN_API_KEY: "bench-admin-key-0123456789abcdef",
    ...(process.env.INGEST_BATCH_SIZE ? { INGEST_BATCH_SIZE: process.env.INGEST_BATCH_SIZE } : {}) });
  const batch = env.INGEST_BATCH_SIZE;
  // The events as the stream holds them: plain strings, which cost the measured runs' GCs next to nothing.
  const lines = makeClicks(CLICKS).map((e) => JSON.stringify(e));
  const ioredis = new IORedis(stack.redisUrl, { protocol: 2 } as never);
  const { db, pool } = createDb(env);
  const redis = createIngestRedis(env, 60_000);
  await db.execute(sql`create table clicks_plain (like clicks including all)`);
  const backend = (await db.execute<{ pid: number }>(sql`select pg_backend_pid() as pid`)).rows[0].pid;
  const postmaster = procStat(backend)?.ppid ?? 0;

  /** The same enriched rows, plain multi-row INSERTs, same driver, same table shape. */
  const plainRun = async (lines: string[]) => {
    const { records } = prepare(lines.map((e, i) => ({ from: String(i), e })));
    const cols = Object.keys(records[0]) as (keyof ClickRecord)[];
    const plainBatch = Math.min(batch, Math.floor(65_535 / cols.length));
    const m = await measure(postmaster, async () => {
      for (let i = 0; i < records.length; i += plainBatch) {
        const params: unknown[] = [];
        const tuples = records.slice(i, i + plainBatch)
          .map((r) => `(${cols.map((c) => (params.push(r[c]), `$${params.length}`)).join(",")})`);
        await pool.query(`insert into clicks_plain (${cols.join(",")}) values ${tuples.join(",")}`, params);
      }
    });
    return { ...m, plainBatch };
  };

  /** The pipeline: read through the consumer group, enrich, insert + rollups in one statement, acknowledge. */
  const ingestRun = async (lines: string[]) => {
    // Queue: XADD straight to redis-server, pipelined (the redirect adds them one by one through Upstash).
    for (let i = 0; i < lines.length; i += 5000) {
      const p = ioredis.pipeline();
      for (const e of lines.slice(i, i + 5000)) p.xadd(redisKeys.clickStream, "*", "e", e);
      await p.exec();
    }
    let ingested = 0;
    const m = await measure(postmaster, async () => {
      const r = await runIngest({ redis, db, settings: { batchSize: batch, budgetMs: 10 * 60_000, claimIdleMs: 60_000 } });
      ingested = r.ingested;
    });
    const check = await db.execute<{ raw: number; rolled: number; dims: number }>(sql`
      select (select count(*) from clicks)::int as raw,
             (select coalesce(sum(clicks), 0) from clicks_hourly where link_id = '*')::int as rolled,
             -- Countries known plus clicks of no country (unknown values have no rows: the total less the known).
             (select coalesce(sum(clicks), 0) from clicks_dims_daily where link_id = '*' and dim = 'country')::int
               + (select count(*) from clicks where country is null or country = '')::int as dims`);
    const left = await ioredis.xlen(redisKeys.clickStream);
    const { raw, rolled, dims } = check.rows[0];
    const n = lines.length;
    if (raw !== n || rolled !== n || dims !== n || left !== 0 || ingested !== n) {
      throw new Error(`inconsistent: raw ${raw}, rolled ${rolled}, dims ${dims}, left ${left}, ingested ${ingested}`);
    }
    return m;
  };

  // Rounds from empty tables, in alternating order, so neither side always runs on the other's leftovers
  // (autovacuum, dirty buffers); the medians are reported, every round is printed.
  // Each measured phase starts from a quiet cluster: what the previous phase wrote is vacuumed and
  // checkpointed first, or autovacuum and the checkpointer would bill one side's writes to the other.
  const settle = async () => {
    await db.execute(sql`vacuum analyze clicks, clicks_plain, clicks_hourly, clicks_dims_hourly, clicks_dims_daily, visitor_days`);
    await db.execute(sql`checkpoint`);
  };
  // A warm-up round first, a tenth of the size and not reported: the first run of each side otherwise pays
  // for JIT compilation and cold caches (Node's and Postgres's), and the first round was always the slowest.
  const warmUp = lines.slice(0, Math.ceil(lines.length / 10));
  await plainRun(warmUp);
  await ingestRun(warmUp);
  const rounds: { ingest: Measured; plain: Measured & { plainBatch: number } }[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    await db.execute(sql`truncate clicks, clicks_plain, clicks_hourly, clicks_dims_hourly, clicks_dims_daily, visitor_days`);
    await settle();
    if (round % 2 === 0) {
      const plain = await plainRun(lines);
      await settle();
      rounds.push({ plain, ingest: await ingestRun(lines) });
    } else {
      const ingest = await ingestRun(lines);
      await settle();
      rounds.push({ ingest, plain: await plainRun(lines) });
    }
  }
  await ioredis.quit();
  await pool.end();

  const rate = (m: { ms: number }) => CLICKS / (m.ms / 1000);
  const ingestRate = median(rounds.map((r) => rate(r.ingest)));
  const plainRate = median(rounds.map((r) => rate(r.plain)));
  const ratio = median(rounds.map((r) => rate(r.ingest) / rate(r.plain)));
  const cpuRatio = median(rounds.map((r) => (r.plain.pgCpu + r.plain.nodeCpu) / (r.ingest.pgCpu + r.ingest.nodeCpu)));
  const cpu = (m: Measured) => `CPU: Postgres ${(m.pgCpu / 1000).toFixed(2)} s, Node ${(m.nodeCpu / 1000).toFixed(2)} s`;
  const row = (round: number, name: string, m: Measured) =>
    `| ${round + 1} | ${name} | ${(m.ms / 1000).toFixed(2)} | ${fmt(rate(m))} | ${(m.pgCpu / 1000).toFixed(2)} | ${(m.nodeCpu / 1000).toFixed(2)} | ${(m.stackCpu / 1000).toFixed(2)} |`;
  const met = ingestRate >= 20_000 && ratio >= 0.5;
  console.log(`
Ingest benchmark: ${fmt(CLICKS)} clicks over ${SPAN_HOURS} h, ${LINKS} links, ${fmt(VISITORS)} visitors, ${UAS.length} user agents; batch ${fmt(batch)}; ${ROUNDS} round(s); Node ${process.version}; routine run in Node against redis-server + Upstash bridge and PostgreSQL + Neon proxy (stack in its own process); load average before: ${loadBefore}

| round | path | seconds | rows/s | Postgres CPU s | Node CPU s | bridge + proxy CPU s |
| ---: | --- | ---: | ---: | ---: | ---: | ---: |
${rounds.map((r, i) => [row(i, "ingest routine (stream read, enrich, raw insert + rollups, ack)", r.ingest),
  row(i, `plain multi-row INSERT of the same rows (${fmt(r.plain.plainBatch)} a statement)`, r.plain)].join("\n")).join("\n")}

Medians: ingest ${fmt(ingestRate)} clicks/s, plain ${fmt(plainRate)} rows/s; ratio ingest / plain ${ratio.toFixed(2)} by wall time, ${cpuRatio.toFixed(2)} by CPU time (Postgres + Node).
Goal (>= 20,000 clicks/s and >= 0.5 of plain): ${met ? "met" : "not met"} in this run.`);
  const mark = (ok: boolean) => (ok ? "✔" : "✘");
  const mid = rounds.map((r) => r.ingest).sort((a, b) => a.ms - b.ms)[Math.floor(rounds.length / 2)];
  const midPlain = rounds.map((r) => r.plain).sort((a, b) => a.ms - b.ms)[Math.floor(rounds.length / 2)];
  emit([{
    bench: "ingest",
    case: `${fmt(CLICKS)} clicks: stream read, enrich, raw insert + rollups, ack (batch ${fmt(batch)}; median of ${ROUNDS})`,
    value: `${fmt(ingestRate)} clicks/s (${(mid.ms / 1000).toFixed(2)} s; ${cpu(mid)})`,
    baseline: `plain multi-row INSERT of the same rows: ${fmt(plainRate)} rows/s (${cpu(midPlain)})`,
    ratio: `${ratio.toFixed(2)}× by wall time, ${cpuRatio.toFixed(2)}× by CPU`,
    goal: `≥ 20,000 clicks/s ${mark(ingestRate >= 20_000)}, ≥ 0.5× plain ${mark(ratio >= 0.5)}`,
  }]);
} finally {
  child.stdin!.end();
  if (child.exitCode === null && child.signalCode === null) await new Promise((r) => child.once("exit", r));
}
