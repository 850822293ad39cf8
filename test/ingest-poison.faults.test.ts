/**
 * Entries that would stop ingestion for good if retried as they are: a click Postgres refuses (its batch
 * fails the same way every time), an entry whose batch kills every run that takes it. Each ends up a dead
 * letter on its own and the rest is ingested; a Postgres outage, however long, makes no dead letters.
 */
import { eq, sql } from "drizzle-orm";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { clicks } from "../db/schema.ts";
import { runIngest } from "../functions/ingest/run.ts";
import { redisKeys } from "../functions/shared/redis-keys.ts";
import { enqueue, insertInbox, makeClick, uid, xadd } from "./helpers/clicks.ts";
import { control } from "./helpers/control.ts";
import { flush, ingestClients } from "./helpers/ingest.ts";
import { rollupDiff } from "./helpers/rollup-oracle.ts";

const RECLAIM = { INGEST_CLAIM_IDLE_MS: "0" };
// Three days ago: out of the "last 24 hours" other files' tests (the dashboard's top links) look at.
const click = (linkId: string) => makeClick({ linkId, ts: Date.now() - 3 * 86_400_000 });

let s: ReturnType<typeof ingestClients>;
let deadMark: string;
beforeEach(async () => {
  s = ingestClients();
  deadMark = await lastDead();
});
afterEach(async () => {
  // The dead letters made here are good clicks: other files replay every dead letter and count what comes back.
  const ids = ((await s.redis.exec(["XRANGE", redisKeys.deadLetters, `(${deadMark}`, "+"])) as [string, unknown][]).map(([id]) => id);
  if (ids.length) await s.redis.exec(["XDEL", redisKeys.deadLetters, ...ids]);
  await s.close();
});
beforeAll(async () => { expect((await flush(RECLAIM)).status).toBe(200); });

const countFor = async (linkId: string) =>
  (await s.db.select({ id: clicks.id }).from(clicks).where(eq(clicks.linkId, linkId))).length;
/** Dead letters written since `since` (a dead-letter stream id), as [from, reason, e]. */
const deadSince = async (since: string) => {
  const rows = (await s.redis.exec(["XRANGE", redisKeys.deadLetters, `(${since}`, "+"])) as [string, string[]][];
  return rows.map(([, f]) => [f[f.indexOf("from") + 1], f[f.indexOf("reason") + 1], f[f.indexOf("e") + 1]]);
};
const lastDead = async () => {
  const [last] = (await s.redis.exec(["XREVRANGE", redisKeys.deadLetters, "+", "-", "COUNT", 1])) as [string, unknown][];
  return last?.[0] ?? "0-0";
};
const pendingDeliveries = async () =>
  ((await s.redis.exec(["XPENDING", redisKeys.clickStream, redisKeys.clickGroup, "-", "+", 1000])) as [string, string, number, number][])
    .map(([id, , , n]) => [id, Number(n)] as const);

describe("a click Postgres refuses", () => {
  it("is set aside alone as a dead letter with Postgres's reason; the rest of its batch is ingested", async () => {
    const good = uid("lnk_");
    const poison = uid("lnk_poison_");
    const name = `test_poison_${uid()}`;
    // A constraint only this click breaks: Postgres refuses it every time, as it would a value it cannot store.
    await s.db.execute(sql.raw(`alter table clicks add constraint ${name} check (link_id <> '${poison}') not valid`));
    try {
      const since = await lastDead();
      const bad = click(poison);
      const badInbox = click(poison);
      const ids = await xadd(s.redis, [click(good), click(good), bad, click(good), click(good)]);
      await insertInbox(s.db, [click(good), badInbox, click(good)]);

      const res = await flush({ INGEST_BATCH_SIZE: "10" });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ ingested: 6, deadLettered: 2, pending: 0 });
      expect(await countFor(good)).toBe(6);
      expect(await countFor(poison)).toBe(0);
      expect(await rollupDiff(s.db, { links: [good] })).toEqual({});
      const dead = await deadSince(since);
      expect(dead.map(([from]) => from).sort()).toEqual([ids[2], `inbox:${badInbox.id}`].sort());
      for (const [, reason] of dead) expect(reason).toMatch(new RegExp(`^Postgres refused it: .*${name}.*\\(SQLSTATE 23514\\)`));
      // The original events, so they can be replayed once Postgres accepts them.
      expect(dead.map(([, , e]) => JSON.parse(e).id).sort()).toEqual([bad.id, badInbox.id].sort());
      const inbox = await s.db.execute(sql`select count(*)::int as n from click_inbox where event->>'linkId' in (${good}, ${poison})`);
      expect(inbox.rows[0].n).toBe(0);
    } finally {
      await s.db.execute(sql.raw(`alter table clicks drop constraint ${name}`));
    }
  });
});

describe("an entry delivered INGEST_MAX_DELIVERIES times without being committed", () => {
  it("becomes a dead letter instead of being tried again; new clicks behind it are ingested", async () => {
    const linkId = uid("lnk_");
    const since = await lastDead();
    const [id] = await xadd(s.redis, [click(linkId)]);
    // Three runs took it and died before committing it: what they leave in Redis is three deliveries.
    await s.redis.exec(["XREADGROUP", "GROUP", redisKeys.clickGroup, "ingest", "COUNT", 1, "STREAMS", redisKeys.clickStream, ">"]);
    for (let i = 0; i < 2; i++) await s.redis.exec(["XCLAIM", redisKeys.clickStream, redisKeys.clickGroup, "ingest", 0, id]);
    expect(await pendingDeliveries()).toEqual([[id, 3]]);
    await xadd(s.redis, [click(linkId)]);

    const res = await flush({ ...RECLAIM, INGEST_MAX_DELIVERIES: "3" });
    expect(res.body).toMatchObject({ ingested: 1, deadLettered: 1, pending: 0 });
    expect(await deadSince(since)).toEqual([[id, "delivered 3 times without being committed", expect.stringContaining(linkId)]]);
    expect(await pendingDeliveries()).toEqual([]);
  });

  it("is isolated first: a batch that kills every run is retried in smaller batches, and only the culprit is set aside", async () => {
    const linkId = uid("lnk_");
    const since = await lastDead();
    const events = Array.from({ length: 7 }, () => click(linkId));
    const culprit = events[2].id;
    await enqueue(s, events);
    const settings = { batchSize: 4, budgetMs: 20_000, claimIdleMs: 0, maxDeliveries: 3 };
    // The run dies whenever it is about to commit the culprit (out of memory, say): nothing is handed back.
    const die = (b: { clicks: string[] }) => {
      if (b.clicks.includes(culprit)) throw new Error("simulated death of the run");
    };
    let runs = 0;
    for (let done = false; !done && runs < 10; runs++) {
      done = await runIngest({ ...s, settings, beforeCommit: die }).then((r) => r.drained, () => false);
    }
    expect(runs).toBeLessThan(10);
    expect(await countFor(linkId)).toBe(6);
    const dead = await deadSince(since);
    expect(dead).toHaveLength(1);
    expect(dead[0][1]).toBe("delivered 3 times without being committed");
    expect(JSON.parse(dead[0][2]).id).toBe(culprit);
    expect(await pendingDeliveries()).toEqual([]);
    expect(await rollupDiff(s.db, { links: [linkId] })).toEqual({});
  });
});

describe("a Postgres outage", () => {
  it("makes no dead letters however many runs fail on it: their deliveries are handed back", async () => {
    const linkId = uid("lnk_");
    const since = await lastDead();
    await enqueue(s, Array.from({ length: 5 }, () => click(linkId)));
    const settings = { ...RECLAIM, INGEST_BATCH_SIZE: "2", INGEST_MAX_DELIVERIES: "3" };
    await control("postgres", "stop");
    try {
      for (let i = 0; i < 6; i++) expect((await flush(settings)).status).toBe(503);
      for (const [, n] of await pendingDeliveries()) expect(n).toBeLessThanOrEqual(1);
    } finally {
      await control("postgres", "start");
    }
    const res = await flush(settings);
    expect(res.body).toMatchObject({ ingested: 5, deadLettered: 0, pending: 0 });
    expect(await deadSince(since)).toEqual([]);
    expect(await countFor(linkId)).toBe(5);
  });
});
