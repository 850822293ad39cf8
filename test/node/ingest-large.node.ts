/**
 * The ingest against a private stack whose Upstash bridge refuses, as Upstash does, any request or reply over
 * 10 MB: 10,000 of the largest clicks the capture can write (about 70 MB) drain in a process with a 128 MB
 * heap; entries no reply can carry become dead letters instead of stopping ingestion.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { neonConfig } from "@neondatabase/serverless";
import { Redis as IORedis } from "ioredis";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import ws from "ws";
import { applyMigrations } from "../../dev/migrate.ts";
import { startNeonProxy, type NeonProxy } from "../../dev/neon-proxy.ts";
import { startPostgres, type PostgresServer } from "../../dev/postgres-server.ts";
import { startRedisServer, type RedisServer } from "../../dev/redis-server.ts";
import { startUpstashBridge, type UpstashBridge } from "../../dev/upstash-bridge.ts";
import { createDb } from "../../db/client.ts";
import { CAPTURE_MAX_CHARS } from "../../functions/ingest/limits.ts";
import { runIngest } from "../../functions/ingest/run.ts";
import { createIngestRedis } from "../../functions/ingest/stream.ts";
import { parseEnv } from "../../functions/shared/env.ts";
import { redisKeys } from "../../functions/shared/redis-keys.ts";

neonConfig.webSocketConstructor = ws;

const root = path.resolve(import.meta.dirname, "../..");
const UPSTASH_LIMIT = 10_000_000;

let redisServer: RedisServer, bridge: UpstashBridge, postgres: PostgresServer, proxy: NeonProxy;
let direct: IORedis, sqlClient: pg.Client;
let bindings: Record<string, string>;

beforeAll(async () => {
  redisServer = await startRedisServer();
  bridge = await startUpstashBridge({
    redisUrl: redisServer.url, token: randomBytes(24).toString("hex"), maxRequestBytes: UPSTASH_LIMIT, maxReplyBytes: UPSTASH_LIMIT,
  });
  postgres = await startPostgres({});
  proxy = await startNeonProxy({ allowPorts: [postgres.port] });
  await applyMigrations(postgres.url);
  direct = new IORedis(redisServer.url);
  sqlClient = new pg.Client({ connectionString: postgres.url });
  await sqlClient.connect();
  bindings = {
    UPSTASH_REDIS_REST_URL: bridge.url, UPSTASH_REDIS_REST_TOKEN: bridge.token, DATABASE_URL: postgres.url,
    NEON_WS_PROXY: proxy.wsProxy, ADMIN_API_KEY: "node-test-admin-key-0123456789abcdef", INGEST_BUDGET_MS: "600000",
  };
}, 120_000);

afterAll(async () => {
  await sqlClient?.end();
  direct?.disconnect();
  await proxy?.close();
  await bridge?.close();
  await postgres?.destroy();
  await redisServer?.stop();
});

/** The largest click the capture writes: every text a client controls at its clip limit. */
function largest(i: number) {
  const fill = (prefix: string, n: number) => (prefix + `${i}-`.repeat(n)).slice(0, n);
  return {
    id: `big-${i}-${randomBytes(6).toString("hex")}`, linkId: `lnk_big_${i % 20}`, slug: "big", ts: Date.now() - (i % 3600) * 1000,
    kind: "human", reason: null, visitor: randomBytes(32).toString("hex"),
    ua: fill("Mozilla/5.0 ", CAPTURE_MAX_CHARS.ua), referrer: fill("https://referrer.example/", CAPTURE_MAX_CHARS.referrer),
    country: "US", region: "CA", city: "San Francisco",
    query: fill("utm_source=news&q=", CAPTURE_MAX_CHARS.query), dest: fill("https://example.com/?utm_campaign=c&d=", CAPTURE_MAX_CHARS.dest),
  };
}

async function xaddAll(values: string[]) {
  for (let i = 0; i < values.length; i += 500) {
    const p = direct.pipeline();
    for (const e of values.slice(i, i + 500)) p.xadd(redisKeys.clickStream, "*", "e", e);
    await p.exec();
  }
}

/** Runs the ingest in a child process with a `heapMB` old space; its exit code, its JSON line, its stderr. */
function ingestInChild(heapMB: number, settings: Record<string, string> = {}) {
  return new Promise<{ code: number | null; result: any; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [`--max-old-space-size=${heapMB}`, "--import", "tsx", "test/node/ingest-run.child.ts"], {
      cwd: root, env: { ...process.env, EATMYURL_INGEST_BINDINGS: JSON.stringify({ ...bindings, ...settings }) }, stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("exit", (code) => {
      const line = stdout.trim().split("\n").at(-1) ?? "";
      let result: any = null;
      try { result = JSON.parse(line); } catch { /* reported through code and stderr */ }
      resolve({ code, result, stderr: stderr.slice(-4000) });
    });
  });
}

const count = async (q: string) => Number((await sqlClient.query(q)).rows[0].n);

describe("the ingest, through a bridge that refuses requests and replies over 10 MB", () => {
  it("drains 10,000 of the largest clicks the capture writes (about 70 MB) within a 128 MB heap", async () => {
    const events = Array.from({ length: 10_000 }, (_, i) => JSON.stringify(largest(i)));
    expect(events.reduce((n, e) => n + e.length, 0)).toBeGreaterThan(65_000_000);
    await xaddAll(events);

    const run = await ingestInChild(128);
    console.info(`ingest in a 128 MB heap: ${JSON.stringify(run.result)}`);
    expect(run.stderr).not.toMatch(/heap out of memory|max request size/i);
    expect(run.code).toBe(0);
    expect(run.result).toMatchObject({ ingested: 10_000, processed: 10_000, deadLettered: 0 });
    expect(await count("select count(*) as n from clicks where id like 'big-%'")).toBe(10_000);
    expect(await count("select coalesce(sum(clicks), 0) as n from clicks_hourly where link_id = '*'")).toBe(10_000);
    expect(await direct.xlen(redisKeys.clickStream)).toBe(0);
    expect(Number(((await direct.xpending(redisKeys.clickStream, redisKeys.clickGroup)) as unknown[])[0])).toBe(0);
  }, 300_000);

  it("sets an entry no reply can carry aside as a dead letter and ingests the rest, even with INGEST_REDIS_BYTES set too high", async () => {
    const small = Array.from({ length: 300 }, (_, i) => JSON.stringify({ ...largest(i), id: `small-${i}-${randomBytes(4).toString("hex")}`, ua: "Mozilla/5.0", referrer: null, query: null, dest: null }));
    // Written straight to Redis (the capture could not write it): 4 MB of quotes, over 10 MB once escaped twice.
    const huge = JSON.stringify({ ...largest(0), id: "huge-1", ua: '"'.repeat(4_000_000) });
    await xaddAll([...small.slice(0, 150), huge, ...small.slice(150)]);
    const env = parseEnv({ ...bindings, INGEST_REDIS_BYTES: String(40_000_000) });
    const { db, pool } = createDb(env);
    const redis = createIngestRedis(env, 60_000);
    const settings = { batchSize: 10_000, budgetMs: 60_000, claimIdleMs: 0, redisBytes: env.INGEST_REDIS_BYTES };
    const total = { ingested: 0, deadLettered: 0 };
    try {
      for (let runs = 0, drained = false; !drained; runs++) {
        expect(runs).toBeLessThan(5);
        const r = await runIngest({ redis, db, settings }).catch((e) => ({ ingested: 0, deadLettered: 0, drained: false, error: e }));
        total.ingested += r.ingested;
        total.deadLettered += r.deadLettered;
        drained = r.drained;
      }
    } finally {
      await pool.end();
    }
    expect(total).toEqual({ ingested: 300, deadLettered: 1 });
    const [[, fields]] = (await direct.xrevrange(redisKeys.deadLetters, "+", "-", "COUNT", 1)) as [string, string[]][];
    expect(fields[fields.indexOf("reason") + 1]).toMatch(/^too large to read/);
    expect(await direct.xlen(redisKeys.clickStream)).toBe(0);
  }, 120_000);
});
