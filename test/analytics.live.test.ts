/** The live counter: clicks the redirect has counted in Redis but the pipeline has not ingested yet. */
import { Redis } from "@upstash/redis/cloudflare";
import { afterAll, describe, expect, it } from "vitest";
import { redisKeys } from "../functions/shared/redis-keys.ts";
import { config, getJson, makeLink, openDb } from "./helpers/analytics.ts";
import { control } from "./harness.ts";
import { rollUpClicks } from "./helpers/rollups.ts";

const { db, pool } = openDb();
const redis = new Redis({ url: config.UPSTASH_REDIS_REST_URL, token: config.UPSTASH_REDIS_REST_TOKEN, retry: false, enableTelemetry: false });
const keys: string[] = [];
afterAll(async () => {
  if (keys.length) await redis.del(...keys);
  await pool.end();
});

async function linkWithCounters(all: number, humans: number) {
  const link = await makeLink(db);
  keys.push(redisKeys.allClicks(link.id), redisKeys.humanClicks(link.id));
  await redis.set(redisKeys.allClicks(link.id), all);
  await redis.set(redisKeys.humanClicks(link.id), humans);
  return link;
}

describe("live counter", () => {
  it("reports the Redis counters beside the all-time ingested total, and what is still pending", async () => {
    const { id, slug } = await linkWithCounters(9, 6);
    // Ingested: 3 clicks last year (outside the range asked) and 3 this week, 4 of them human.
    const now = Date.now();
    await rollUpClicks(db, [
      { linkId: id, ts: new Date(now - 400 * 86_400_000), visitor: "a" },
      { linkId: id, ts: new Date(now - 400 * 86_400_000), visitor: "b", kind: "bot" },
      { linkId: id, ts: new Date(now - 300 * 86_400_000), visitor: "a" },
      { linkId: id, ts: new Date(now - 86_400_000), visitor: "c" },
      { linkId: id, ts: new Date(now - 86_400_000), visitor: "d" },
      { linkId: id, ts: new Date(now - 86_400_000), visitor: "e", kind: "preview" },
    ]);
    const s = await getJson(`/api/v1/links/${slug}/stats`);
    expect(s.totals.clicks).toBe(2);
    expect(s.live).toEqual({ clicks: 9, humans: 6, ingested: { clicks: 6, humans: 4 }, pending: { clicks: 3, humans: 2 } });
  });

  it("never reports a negative pending count, and counts a link never clicked as zero", async () => {
    const behind = await linkWithCounters(1, 0);
    await rollUpClicks(db, [
      { linkId: behind.id, ts: new Date(), visitor: "a" },
      { linkId: behind.id, ts: new Date(), visitor: "b" },
    ]);
    expect((await getJson(`/api/v1/links/${behind.slug}/stats`)).live).toEqual({
      clicks: 1, humans: 0, ingested: { clicks: 2, humans: 2 }, pending: { clicks: 0, humans: 0 },
    });
    const fresh = await makeLink(db);
    expect((await getJson(`/api/v1/links/${fresh.slug}/stats`)).live).toEqual({
      clicks: 0, humans: 0, ingested: { clicks: 0, humans: 0 }, pending: { clicks: 0, humans: 0 },
    });
  });

  it("still answers from Postgres, with live null, while the real redis-server is down", async () => {
    const { id, slug } = await linkWithCounters(5, 5);
    await rollUpClicks(db, [{ linkId: id, ts: new Date(), visitor: "a" }]);
    await control("redis", "stop");
    try {
      const s = await getJson(`/api/v1/links/${slug}/stats`);
      expect(s.totals.clicks).toBe(1);
      expect(s.live).toBeNull();
    } finally {
      await control("redis", "start");
    }
    // The throwaway redis-server keeps nothing across a restart: count again, and live is back.
    await redis.set(redisKeys.allClicks(id), 7);
    expect((await getJson(`/api/v1/links/${slug}/stats`)).live.clicks).toBe(7);
  });
});
