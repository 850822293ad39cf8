/**
 * Nothing lost, nothing counted twice, when things fail: Postgres down mid-run, a run dying between commit
 * and acknowledgement, a batch delivered twice, poison entries, the redirect's Redis-down inbox.
 */
import { eq, sql } from "drizzle-orm";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { clicks, clicksHourly } from "../db/schema.ts";
import { prepare, runIngest } from "../functions/ingest/run.ts";
import { commitBatch, sqlBatch } from "../functions/ingest/commit.ts";
import { redisKeys } from "../functions/shared/redis-keys.ts";
import { enqueue, insertInbox, makeClick, uid, xadd } from "./helpers/clicks.ts";
import { control } from "./helpers/control.ts";
import { flush, ingestClients } from "./helpers/ingest.ts";
import { rollupDiff } from "./helpers/rollup-oracle.ts";
import { call } from "./helpers/worker.ts";

// Entries left pending by a failed run are claimed again at once (production waits INGEST_CLAIM_IDLE_MS).
const RECLAIM = { INGEST_CLAIM_IDLE_MS: "0" };
const settings = { batchSize: 3, budgetMs: 20_000, claimIdleMs: 0 };

let s: ReturnType<typeof ingestClients>;
beforeEach(() => { s = ingestClients(); });
afterEach(() => s.close());
beforeAll(async () => { expect((await flush(RECLAIM)).status).toBe(200); });

const countFor = async (linkId: string) =>
  (await s.db.select({ id: clicks.id }).from(clicks).where(eq(clicks.linkId, linkId))).length;
const hourlyFor = (linkId: string) => s.db.select().from(clicksHourly).where(eq(clicksHourly.linkId, linkId)).orderBy(clicksHourly.hour);
const delivered = async () => Number(((await s.redis.exec(["XPENDING", redisKeys.clickStream, redisKeys.clickGroup])) as [number])[0]);

describe("Postgres down during a flush", () => {
  it("acknowledges nothing it did not commit, and ingests everything exactly once when Postgres is back", async () => {
    const linkId = uid("lnk_");
    const visitor = uid("v").padEnd(64, "0");
    await enqueue(s, Array.from({ length: 7 }, (_, i) => makeClick({ linkId, visitor, ts: Date.now() - i * 60_000 })));
    await insertInbox(s.db, [makeClick({ linkId })]);
    // The test cluster runs with synchronous_commit off and is stopped like a crash: without a checkpoint
    // the inbox row above could vanish with the stop (a property of the test stack, not of the pipeline).
    await s.db.execute(sql`checkpoint`);

    await control("postgres", "stop");
    try {
      const res = await call("POST", "/api/v1/ingest/flush", { settings: { INGEST_BATCH_SIZE: "3" } });
      expect(res.status).toBe(503);
      expect(res.headers.get("content-type")).toBe("application/problem+json");
      expect(((await res.json()) as { detail: string }).detail).toMatch(/Ingestion stopped/);
      expect(Number(await s.redis.exec(["XLEN", redisKeys.clickStream]))).toBe(7);
      expect(await delivered()).toBeGreaterThan(0); // read, not acknowledged

      const status = (await (await call("GET", "/api/v1/ingest/status")).json()) as any;
      expect(status.stream.length).toBe(7);
      expect(status.inbox).toBeNull();
      expect(status.errors.postgres).toBeTruthy();
      expect(status.lastRun.error).toBeTruthy();
    } finally {
      await control("postgres", "start");
    }

    const res = await flush({ ...RECLAIM, INGEST_BATCH_SIZE: "3" });
    expect(res.body).toMatchObject({ ingested: 8, pending: 0 });
    expect(await countFor(linkId)).toBe(8);
    expect(await delivered()).toBe(0);
    expect(await rollupDiff(s.db, { links: [linkId] })).toEqual({});
    expect((await hourlyFor(linkId)).reduce((n, h) => n + h.clicks, 0)).toBe(8);
  });
});

describe("a run killed after its commit, before its acknowledgement", () => {
  it("has its entries delivered again, which insert and count nothing, and are then acknowledged", async () => {
    const linkId = uid("lnk_");
    const visitor = uid("v").padEnd(64, "0");
    await enqueue(s, [makeClick({ linkId, visitor }), makeClick({ linkId, visitor }), makeClick({ linkId, kind: "bot", reason: "isbot" })]);
    let commits = 0;
    const crash = () => { commits++; throw new Error("simulated crash between commit and XACK"); };
    await expect(runIngest({ ...s, settings, afterCommit: crash })).rejects.toThrow(/simulated crash/);
    expect(commits).toBe(1);
    expect(await countFor(linkId)).toBe(3); // committed
    expect(await delivered()).toBe(3); // never acknowledged
    const before = await hourlyFor(linkId);
    expect(before.map((h) => [h.clicks, h.humans, h.bots, h.uniques])).toEqual([[3, 2, 1, 1]]);

    const again = await runIngest({ ...s, settings });
    expect(again).toMatchObject({ ingested: 0, processed: 3 });
    expect(await hourlyFor(linkId)).toEqual(before);
    expect(await delivered()).toBe(0);
    expect(Number(await s.redis.exec(["XLEN", redisKeys.clickStream]))).toBe(0);
    expect(await rollupDiff(s.db, { links: [linkId] })).toEqual({});
  });
});

describe("the same clicks delivered twice", () => {
  it("a committed batch committed again inserts nothing and leaves the rollups as they were", async () => {
    const linkId = uid("lnk_");
    const { records } = prepare([makeClick({ linkId }), makeClick({ linkId, kind: "preview", reason: "head" })].map((e) => ({ from: "t", e })));
    expect(await commitBatch(s.db, sqlBatch(records))).toEqual({ inserted: 2 });
    const before = await hourlyFor(linkId);
    expect(await commitBatch(s.db, sqlBatch(records))).toEqual({ inserted: 0 });
    expect(await hourlyFor(linkId)).toEqual(before);
    expect(await rollupDiff(s.db, { links: [linkId] })).toEqual({});
  });

  it("a batch partly stored before counts only its new clicks, new visitor-days included", async () => {
    const linkId = uid("lnk_");
    const [a, b] = [uid("v").padEnd(64, "0"), uid("v").padEnd(64, "0")];
    const at = Date.now() - 3600_000;
    const first = [makeClick({ linkId, visitor: a, ts: at }), makeClick({ linkId, visitor: a, ts: at + 1, kind: "bot", reason: "isbot" })];
    const more = [makeClick({ linkId, visitor: b, ts: at + 2 }), makeClick({ linkId, visitor: a, ts: at + 3 })];
    const records = (events: ReturnType<typeof makeClick>[]) => prepare(events.map((e) => ({ from: "t", e }))).records;
    expect(await commitBatch(s.db, sqlBatch(records(first)))).toEqual({ inserted: 2 });
    // The precomputed one-statement commit would count all four: it must give way to the careful path.
    expect(await commitBatch(s.db, sqlBatch(records([...first, ...more])))).toEqual({ inserted: 2 });
    const [h] = await hourlyFor(linkId);
    expect([h.clicks, h.humans, h.bots, h.uniques]).toEqual([4, 3, 1, 2]);
    expect(await rollupDiff(s.db, { links: [linkId] })).toEqual({});
  });

  it("commits running side by side count every click once, on shared clicks and rollup rows alike", async () => {
    const links = [uid("lnk_"), uid("lnk_")];
    const visitors = Array.from({ length: 3 }, () => uid("v").padEnd(64, "0"));
    const at = Date.now() - 2 * 3600_000;
    let n = 0;
    const click = () => makeClick({
      linkId: links[n % 2], visitor: visitors[n % 3], ts: at + (n++ % 7) * 60_000,
      ...(n % 5 === 0 ? { kind: "bot" as const, reason: "isbot" } : {}),
    });
    const records = (events: ReturnType<typeof makeClick>[]) => prepare(events.map((e) => ({ from: "t", e }))).records;
    let stored = 0;
    for (let round = 0; round < 4; round++) {
      // Both batches hold the shared clicks (in opposite orders) and rows of the same links, hours and visitors.
      const shared = Array.from({ length: 4 }, click);
      const a = [...shared, ...Array.from({ length: 12 }, click)];
      const b = [...Array.from({ length: 12 }, click), ...[...shared].reverse()];
      const [ra, rb] = await Promise.all([commitBatch(s.db, sqlBatch(records(a))), commitBatch(s.db, sqlBatch(records(b)))]);
      expect(ra.inserted + rb.inserted).toBe(a.length + b.length - shared.length);
      stored += a.length + b.length - shared.length;
    }
    expect((await countFor(links[0])) + (await countFor(links[1]))).toBe(stored);
    expect(await rollupDiff(s.db, { links })).toEqual({});
  });

  it("an event XADDed twice (a retried write) is one click", async () => {
    const linkId = uid("lnk_");
    const e = makeClick({ linkId });
    await xadd(s.redis, [e, e, makeClick({ linkId })]);
    expect((await flush()).body).toMatchObject({ ingested: 2, processed: 3, pending: 0 });
    expect(await countFor(linkId)).toBe(2);
    expect((await hourlyFor(linkId))[0].clicks).toBe(2);
  });

  it("the inbox and the stream holding the same click id count it once, in one run or across runs", async () => {
    const linkId = uid("lnk_");
    const both = makeClick({ linkId });
    await xadd(s.redis, [both]);
    await insertInbox(s.db, [both]);
    expect((await flush()).body).toMatchObject({ ingested: 1, pending: 0 });

    const later = makeClick({ linkId });
    await insertInbox(s.db, [later]);
    await flush();
    await xadd(s.redis, [later]);
    expect((await flush()).body).toMatchObject({ ingested: 0, pending: 0 });
    expect(await countFor(linkId)).toBe(2);
    expect((await hourlyFor(linkId)).reduce((n, h) => n + h.clicks, 0)).toBe(2);
  });
});

describe("Redis down", () => {
  it("the inbox (where the redirect writes meanwhile) is still drained; the flush reports the Redis failure", async () => {
    const linkId = uid("lnk_");
    await control("redis", "stop");
    try {
      await insertInbox(s.db, [makeClick({ linkId }), makeClick({ linkId })]);
      const res = await call("POST", "/api/v1/ingest/flush");
      expect(res.status).toBe(503);
      expect(await countFor(linkId)).toBe(2);
    } finally {
      await control("redis", "start");
    }
    expect((await flush()).body).toMatchObject({ ingested: 0, pending: 0 });
  });
});

describe("poison entries", () => {
  it("go to the dead-letter stream with their reason, are acknowledged, and do not hold back the rest", async () => {
    const linkId = uid("lnk_");
    const deadBefore = Number(await s.redis.exec(["XLEN", redisKeys.deadLetters]));
    await xadd(s.redis, ["not json", JSON.stringify({ id: 1 }), makeClick({ linkId }), JSON.stringify(makeClick({ linkId, ts: 5 }))]);
    await s.redis.xadd(redisKeys.clickStream, "*", { other: "field" });
    await xadd(s.redis, [makeClick({ linkId })]);

    expect((await flush()).body).toMatchObject({ ingested: 2, deadLettered: 4, pending: 0 });
    expect(await countFor(linkId)).toBe(2);
    const dead = (await s.redis.exec(["XREVRANGE", redisKeys.deadLetters, "+", "-", "COUNT", 4])) as [string, string[]][];
    const reasons = dead.map(([, f]) => f[f.indexOf("reason") + 1]).reverse();
    expect(reasons[0]).toBe("not JSON");
    expect(reasons[1]).toMatch(/^not a ClickEvent: id:/);
    expect(reasons[2]).toMatch(/^ts 5 is out of range/);
    expect(reasons[3]).toBe('no field "e"');
    expect(dead.at(-1)![1]).toContain("not json"); // the original value is kept
    expect(Number(await s.redis.exec(["XLEN", redisKeys.deadLetters]))).toBe(deadBefore + 4);
  });

  it("POST /api/v1/ingest/dead-letters/replay puts them back on the stream; fixed ones are ingested", async () => {
    const linkId = uid("lnk_");
    // As if an older version had refused this valid click: a dead letter that can now be ingested.
    const fixed = makeClick({ linkId });
    await s.redis.xadd(redisKeys.deadLetters, "*", { e: JSON.stringify(fixed), reason: "old bug", from: "0-1" });
    const deadBefore = Number(await s.redis.exec(["XLEN", redisKeys.deadLetters]));

    const res = await call("POST", "/api/v1/ingest/dead-letters/replay?limit=1000");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ replayed: deadBefore, remaining: 0 });
    const run = (await flush()).body;
    expect(run).toMatchObject({ ingested: 1, deadLettered: deadBefore - 1, pending: 0 });
    expect(await countFor(linkId)).toBe(1);
    // The still-broken ones are back where they were; replaying the fixed one again would count nothing.
    expect(Number(await s.redis.exec(["XLEN", redisKeys.deadLetters]))).toBe(deadBefore - 1);
  });
});
