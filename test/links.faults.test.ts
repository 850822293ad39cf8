/**
 * The links API while the real Redis is stopped: Postgres is the source of truth, so writes and reads still
 * answer (click counts: the ingested ones), and a cache entry the write-through could not update does not survive once
 * Redis is back (the API drops it again in waitUntil).
 */
import { describe, expect, it } from "vitest";
import { redisKeys } from "../functions/shared/redis-keys.ts";
import { createLink } from "./helpers/api.ts";
import { makeClick, xaddBatch } from "./helpers/clicks.ts";
import { control } from "./helpers/control.ts";
import { withDb } from "./helpers/db.ts";
import { flush } from "./helpers/ingest.ts";
import { redis } from "./helpers/redis.ts";
import { rollUpClicks } from "./helpers/rollups.ts";
import { call } from "./helpers/worker.ts";

/** Polls until `check` passes or `ms` runs out; the check, not the clock, is what is asserted. */
async function eventually(check: () => Promise<boolean>, ms = 20_000): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return check();
}

describe("links API with Redis down", () => {
  it("answers creates, reads and lists from Postgres, with the ingested click counts", async () => {
    const before = await createLink({ url: "https://example.com/counted" });
    // 5 human clicks ingested, 4 waiting in the stream (unseen while Redis is down).
    await flush();
    await withDb((db) => rollUpClicks(db, Array.from({ length: 5 }, (_, i) => ({ linkId: before.id, ts: new Date(Date.now() - 3 * 86_400_000), visitor: `v${i}` }))));
    const entry = await xaddBatch(redis, Array.from({ length: 4 }, () => makeClick({ linkId: before.id, slug: before.slug })));
    await control("redis", "stop");
    try {
      const res = await call("POST", "/api/v1/links", { body: { url: "https://example.com/while-down" }, background: true });
      expect(res.status).toBe(201);
      const got = await call("GET", `/api/v1/links/${before.slug}`);
      expect(got.status).toBe(200);
      expect(((await got.json()) as any).clicks).toBe(5);
      expect((await call("GET", "/api/v1/links?limit=2")).status).toBe(200);
    } finally {
      await control("redis", "start");
    }
    expect(((await (await call("GET", `/api/v1/links/${before.slug}`)).json()) as any).clicks).toBe(9);
    await redis.xdel(redisKeys.clickStream, [entry]);
  }, 60_000);

  it("does not let a stale cache entry outlive a PATCH or DELETE made while Redis was down", async () => {
    const patched = await createLink({ url: "https://example.com/old" });
    const deleted = await createLink({ url: "https://example.com/doomed" });
    expect(await redis.get(redisKeys.link(patched.slug))).toMatchObject({ url: "https://example.com/old" });
    await control("redis", "stop");
    try {
      // `background`: the cache repair keeps retrying in waitUntil after the answer, as on Workers.
      const p = await call("PATCH", `/api/v1/links/${patched.slug}`, { body: { url: "https://example.com/new" }, background: true });
      expect(p.status).toBe(200);
      expect(((await p.json()) as any).url).toBe("https://example.com/new");
      expect((await call("DELETE", `/api/v1/links/${deleted.slug}`, { background: true })).status).toBe(204);
    } finally {
      await control("redis", "start");
    }
    const stale = async () => {
      const [a, b] = await Promise.all([redis.get<any>(redisKeys.link(patched.slug)), redis.get(redisKeys.link(deleted.slug))]);
      // The deleted slug holds nothing or its tombstone, which the redirect reads as missing.
      return a?.url !== "https://example.com/old" && (b === null || (b as { missing?: unknown }).missing === true);
    };
    expect(await eventually(stale)).toBe(true);
  }, 60_000);
});
