/**
 * Postgres bytes per million clicks: a sample of synthetic clicks (bench/clicks.ts: skewed over links,
 * referrers, places and a few hundred user agents, hence devices, browsers and systems), spread over 72 hours
 * as 1 M clicks a month would be, ingested by THE ingest routine (functions/ingest/run.ts, in this process,
 * through the Upstash bridge and the Neon proxy, without the cron's fold), then the fold of the sealed days
 * into blocks (db/queries/dim-blocks.ts foldDimBlocks), measured with pg_total_relation_size (indexes and
 * TOAST included) after a plain VACUUM each time. The sample ends two days ago, so its days are sealed.
 */
import { neonConfig } from "@neondatabase/serverless";
import ws from "ws";
import { createDb } from "../db/client.ts";
import { foldDimBlocks, sealTarget } from "../db/queries/dim-blocks.ts";
import { createIngestRedis } from "../functions/ingest/stream.ts";
import { runIngest } from "../functions/ingest/run.ts";
import { parseEnv } from "../functions/shared/env.ts";
import { redisKeys } from "../functions/shared/redis-keys.ts";
import { Redis as IORedis } from "ioredis";
import { fmt } from "./lib/report.ts";
import { ADMIN, type Rig } from "./cost-rig.ts";

neonConfig.webSocketConstructor = ws;

/** Raw clicks (kept RAW_RETENTION_DAYS), and the tables kept forever that clicks make grow. */
const RAW = ["clicks"];
const ROLLUPS = ["clicks_hourly", "clicks_dims_hourly", "clicks_dims_daily", "clicks_dims_blocks", "link_totals", "variant_uniques_hourly"];
/** Pruned to the last few days by the cron (functions/ingest/retention.ts): not a per-click cost over months. */
const PRUNED = ["visitor_days"];
const DAY_MS = 86_400_000;

export interface BytesResult {
  clicks: number;
  /** Bytes per 1 M clicks. */
  raw: number;
  rollups: number;
  rollupsAfterFold: number;
  visitorDays: number;
  /** The database before the sample: the schema, the bench's links, empty click tables. */
  baseBytes: number;
  tables: { name: string; ingested: number; folded: number }[];
}

async function sizes(rig: Rig): Promise<Map<string, number>> {
  await rig.db.query(`vacuum analyze ${[...RAW, ...ROLLUPS, ...PRUNED].join(", ")}`);
  const { rows } = await rig.db.query<{ name: string; bytes: string }>(
    "select relname as name, pg_total_relation_size(oid)::bigint as bytes from pg_class where relname = any($1)",
    [[...RAW, ...ROLLUPS, ...PRUNED]],
  );
  return new Map(rows.map((r) => [r.name, Number(r.bytes)]));
}

export async function storageBytes(rig: Rig, clicks: number): Promise<BytesResult> {
  // A clean start: no click of the other rows, no fold done yet (so the ingest writes days, the fold blocks).
  const env = parseEnv({ ...rig.stack.bindings, ADMIN_API_KEY: ADMIN });
  const ioredis = new IORedis(rig.stack.redisUrl);
  const { db, pool } = createDb(env);
  try {
    await ioredis.del(redisKeys.clickStream);
    await rig.db.query(`truncate ${[...RAW, ...ROLLUPS, ...PRUNED].join(", ")}`);
    await rig.db.query("update dims_seal set sealed_before = '1970-01-01'");
    const { rows } = await rig.db.query("select pg_database_size(current_database())::bigint as n");
    const base = Number(rows[0].n);
    const before = await sizes(rig);

    const { makeClicks } = await import("./clicks.ts");
    const events = makeClicks(clicks);
    for (const e of events) e.ts -= 2 * DAY_MS; // sealed days (the fold leaves yesterday and today open)
    for (let i = 0; i < events.length; i += 5000) {
      const p = ioredis.pipeline();
      for (const e of events.slice(i, i + 5000)) p.xadd(redisKeys.clickStream, "*", "e", JSON.stringify(e));
      await p.exec();
    }
    const redis = createIngestRedis(env, 60_000);
    const r = await runIngest({ redis, db, settings: { batchSize: env.INGEST_BATCH_SIZE, budgetMs: 10 * 60_000, claimIdleMs: 60_000 } });
    if (r.ingested !== clicks) throw new Error(`bytes: ingested ${r.ingested} of ${clicks} clicks`);
    const ingested = await sizes(rig);
    await foldDimBlocks(db, sealTarget(Date.now()));
    const folded = await sizes(rig);

    const grown = (m: Map<string, number>, names: string[]) => names.reduce((a, n) => a + (m.get(n) ?? 0) - (before.get(n) ?? 0), 0);
    const perM = (b: number) => (b * 1e6) / clicks;
    return {
      clicks,
      raw: perM(grown(ingested, RAW)),
      rollups: perM(grown(ingested, ROLLUPS)),
      rollupsAfterFold: perM(grown(folded, ROLLUPS)),
      visitorDays: perM(grown(folded, PRUNED)),
      baseBytes: base,
      tables: [...RAW, ...ROLLUPS, ...PRUNED].map((name) => ({
        name, ingested: perM((ingested.get(name) ?? 0) - (before.get(name) ?? 0)), folded: perM((folded.get(name) ?? 0) - (before.get(name) ?? 0)),
      })),
    };
  } finally {
    ioredis.disconnect();
    await pool.end();
  }
}

/**
 * Months until the database reaches `limit` bytes at `perMonth` clicks a month: raw clicks grow for
 * `rawMonths` (then retention deletes as much as comes in), rollups for ever.
 */
export function monthsUntil(b: BytesResult, perMonth: number, limit: number, rawMonths: number): number {
  const raw = (b.raw * perMonth) / 1e6;
  const rollups = (b.rollupsAfterFold * perMonth) / 1e6;
  const room = limit - b.baseBytes;
  if (room <= 0) return 0;
  const whileRawGrows = room / (raw + rollups);
  if (whileRawGrows <= rawMonths) return whileRawGrows;
  return rollups > 0 ? (room - raw * rawMonths) / rollups : Infinity;
}

/** The most clicks a month that `limit` bytes hold for `months` months. */
export function clicksLasting(b: BytesResult, months: number, limit: number, rawMonths: number): number {
  return ((limit - b.baseBytes) * 1e6) / (b.raw * Math.min(months, rawMonths) + b.rollupsAfterFold * months);
}

const mb = (b: number) => `${fmt(b / 1e6, 1)} MB`;

export function bytesTable(b: BytesResult, rawDays: number): string {
  const rawMonths = rawDays / 30;
  const months = monthsUntil(b, 1e6, 0.5e9, rawMonths);
  return [
    `| Postgres bytes per 1 M clicks (sample: ${fmt(b.clicks)} clicks over 72 h) | after ingest | after the fold |`,
    "| --- | ---: | ---: |",
    ...b.tables.map((t) => `| ${t.name} | ${mb(t.ingested)} | ${mb(t.folded)} |`),
    `| **raw clicks** (kept ${rawDays} days) | ${mb(b.raw)} | ${mb(b.raw)} |`,
    `| **rollups** (kept forever) | ${mb(b.rollups)} | ${mb(b.rollupsAfterFold)} |`,
    "",
    `Database before the sample (schema, indexes, the bench's links): ${mb(b.baseBytes)}. visitor_days is pruned to the last few ` +
      `days by the cron, so it does not add up over months. At 1 M clicks a month, raw clicks level off at ${mb(b.raw * rawMonths)} ` +
      `(${rawDays} days) and rollups add ${mb(b.rollupsAfterFold)} a month: Neon Free's 0.5 GB lasts ` +
      `**${Number.isFinite(months) ? `${fmt(months, 2)} months (${fmt(months * 30)} days)` : "for ever"}**; it lasts a year up to ` +
      `${fmt(clicksLasting(b, 12, 0.5e9, rawMonths))} clicks a month (at the sample's bytes per click; sparser traffic makes more ` +
      "rollup rows per click, denser traffic fewer).",
  ].join("\n");
}
