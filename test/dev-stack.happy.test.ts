/**
 * The local Upstash bridge and Neon proxy (dev/) are ours, so they get their own tests, driven from inside
 * workerd through the clients production uses (dev-stack.security.test.ts: what they refuse).
 */
import { Redis } from "@upstash/redis/cloudflare";
import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { createDb } from "../db/client.ts";
import { bridge } from "./helpers/dev-stack.ts";
import { config } from "./helpers/env.ts";

/**
 * Not the tests' shared client (helpers/redis.ts): @upstash/redis with its own defaults, auto-pipelining on,
 * as any Upstash user would make it, so its commands reach the bridge through /pipeline.
 */
const redis = new Redis({ url: config.UPSTASH_REDIS_REST_URL, token: config.UPSTASH_REDIS_REST_TOKEN, retry: false, enableTelemetry: false });
const prefix = `bridge-test:${crypto.randomUUID()}:`;

describe("Upstash REST bridge", () => {
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
  });

  it("round-trips unicode and JSON-looking strings through @upstash/redis", async () => {
    const values = ["héllo wörld 🌭", "abcd", "日本語テキスト", "a\u0000b", '{"a":1}'];
    for (const [i, v] of values.entries()) {
      await redis.set(`${prefix}u${i}`, v);
      expect(await redis.get(`${prefix}u${i}`)).toEqual(v === '{"a":1}' ? { a: 1 } : v);
    }
    // The client deserializes numbers, as it does against Upstash.
    await redis.set(`${prefix}n`, "123");
    expect(await redis.get(`${prefix}n`)).toBe(123);
  });

  it("returns raw bytes as base64, so non-UTF-8 values survive", async () => {
    await bridge("/", ["SETBIT", `${prefix}bin`, 0, 1]); // one byte: 0x80, not valid UTF-8 on its own
    await bridge("/", ["SETBIT", `${prefix}bin`, 15, 1]); // second byte: 0x01
    const { status, body } = await bridge("/", ["GET", `${prefix}bin`]);
    expect(status).toBe(200);
    expect(body.result).toBe("gAE=");
    // "OK" stays plain (the client special-cases it); nulls and integers stay JSON.
    expect((await bridge("/", ["SET", `${prefix}x`, "1"])).body.result).toBe("OK");
    expect((await bridge("/", ["GET", `${prefix}missing`])).body.result).toBeNull();
    expect((await bridge("/", ["INCR", `${prefix}i`])).body.result).toBe(1);
  });

  it("runs pipelines, with per-command errors", async () => {
    const out = await bridge("/pipeline", [["SET", `${prefix}p`, "v"], ["INCR", `${prefix}p`], ["GET", `${prefix}p`]]);
    expect(out.status).toBe(200);
    expect(out.body[0]).toEqual({ result: "OK" });
    expect(out.body[1].error).toMatch(/not an integer/);
    expect(out.body[2]).toEqual({ result: btoa("v") });
    const p = redis.pipeline();
    p.set(`${prefix}q`, 5);
    p.incrby(`${prefix}q`, 3);
    p.get(`${prefix}q`);
    expect(await p.exec()).toEqual(["OK", 8, 8]);
  });

  it("runs multi-exec atomically", async () => {
    const tx = redis.multi();
    tx.incr(`${prefix}m`);
    tx.incr(`${prefix}m`);
    tx.expire(`${prefix}m`, 60);
    expect(await tx.exec()).toEqual([1, 2, 1]);
  });

  it("supports stream consumer groups (what the click pipeline uses)", async () => {
    const stream = `${prefix}stream`;
    const id1 = await redis.xadd(stream, "*", { click: "one" });
    await redis.xadd(stream, "*", { click: "two" });
    expect(await redis.xlen(stream)).toBe(2);
    await redis.xgroup(stream, { type: "CREATE", group: "g", id: "0" });
    const read = (await redis.xreadgroup("g", "c1", stream, ">", { count: 10 })) as [string, [string, string[]][]][];
    expect(read[0][0]).toBe(stream);
    expect(read[0][1].map(([, fields]) => fields)).toEqual([["click", "one"], ["click", "two"]]);
    expect(await redis.xack(stream, "g", id1)).toBe(1);
    const pending = (await redis.xpending(stream, "g", "-", "+", 10)) as unknown[];
    expect(pending).toHaveLength(1);
  });

  it("runs scripts written for Upstash, whose shebang flags redis-server 7 does not know", async () => {
    // @upstash/ratelimit's scripts start like this; Upstash accepts the flag, redis-server refuses it.
    const script = `#!lua flags=allow-key-locking\nreturn redis.call("INCR", KEYS[1])`;
    const digest = await crypto.subtle.digest("SHA-1", new TextEncoder().encode(script));
    const sha = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
    expect(await redis.eval(script, [`${prefix}lua`], [])).toBe(1);
    // The client's next call is EVALSHA by the hash of the script as it wrote it.
    expect(await redis.evalsha(sha, [`${prefix}lua`], [])).toBe(2);
  });
});

describe("Neon WebSocket proxy", () => {
  it("carries a real transaction through @neondatabase/serverless and drizzle", async () => {
    const { db, pool } = createDb(config);
    try {
      // Temporary tables are per connection: use one client for the whole check.
      const client = await pool.connect();
      try {
        await client.query("create temporary table t (v text)");
        await client.query("begin");
        await client.query("insert into t values ($1)", ["rolled back"]);
        await client.query("rollback");
        await client.query("begin");
        await client.query("insert into t values ($1)", ["kept ✓"]);
        await client.query("commit");
        const { rows } = await client.query("select v from t");
        expect(rows).toEqual([{ v: "kept ✓" }]);
      } finally {
        client.release();
      }
      const result = await db.transaction(async (tx) => {
        const r = await tx.execute(sql`select 40 + 2 as answer`);
        return r.rows[0];
      });
      expect(result).toEqual({ answer: 42 });
    } finally {
      await pool.end();
    }
  });

  // A startup message of its own (application_name) per test, so no other client can take its backend.
  const ownStartup = () => {
    const url = new URL(config.DATABASE_URL);
    url.searchParams.set("application_name", `pool-test-${crypto.randomUUID()}`);
    return { ...config, DATABASE_URL: url.toString() };
  };

  it("hands a backend whose client left idle to the next client, its session reset", async () => {
    const settings = ownStartup();
    const first = createDb(settings);
    const client = await first.pool.connect();
    const { rows: [a] } = await client.query("select pg_backend_pid() as pid, current_setting('application_name') as name");
    await client.query("set application_name = 'changed'");
    await client.query("set statement_timeout = '1234ms'");
    await client.query("create temporary table leftover (v int)");
    await client.query("select pg_advisory_lock(4242)");
    await client.query("prepare leftover_stmt as select 1");
    client.release();
    await first.pool.end();

    const second = createDb(settings);
    try {
      const { rows: [b] } = await second.pool.query(`select pg_backend_pid() as pid, current_setting('application_name') as name,
        current_setting('statement_timeout') as timeout, to_regclass('pg_temp.leftover') as temp,
        (select count(*)::int from pg_locks where locktype = 'advisory' and pid = pg_backend_pid()) as locks,
        (select count(*)::int from pg_prepared_statements) as prepared`);
      expect(b).toEqual({ pid: a.pid, name: a.name, timeout: "0", temp: null, locks: 0, prepared: 0 });
    } finally {
      await second.pool.end();
    }
  });

  it("never hands on a backend whose client left inside a transaction", async () => {
    const settings = ownStartup();
    const first = createDb(settings);
    const client = await first.pool.connect();
    const { rows: [a] } = await client.query("select pg_backend_pid() as pid");
    await client.query("begin");
    await client.query("select 1");
    client.release(true); // drops the connection mid-transaction
    await first.pool.end();

    const second = createDb(settings);
    try {
      const { rows: [b] } = await second.pool.query("select pg_backend_pid() as pid, now() = statement_timestamp() as fresh");
      expect(b.pid).not.toBe(a.pid);
      expect(b.fresh).toBe(true); // not inside anyone's transaction
    } finally {
      await second.pool.end();
    }
  });
});
