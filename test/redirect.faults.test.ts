/**
 * Redirects while things fail: Redis or Postgres stopped (the real servers), and cache fills racing the
 * links API's writes.
 */
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { links } from "../db/schema.ts";
import { NEGATIVE_TTL_SECONDS, redisKeys } from "../functions/shared/redis-keys.ts";
import { control } from "./helpers/control.ts";
import { withDb } from "./helpers/db.ts";
import { redis } from "./helpers/redis.ts";
import { expectProblem, Fixtures, human } from "./helpers/redirect.ts";
import { call } from "./helpers/worker.ts";
import { fillLinkCache, MISSING, redisStore, toCachedLink } from "../functions/redirect/link-cache/index.ts";

const f = new Fixtures();
afterEach(() => f.cleanup());

describe("when Redis is down", () => {
  it("redirects from Postgres and writes the click to click_inbox; a maxClicks link answers 503", async () => {
    const link = await f.link({ url: "https://example.com/resilient" });
    const limited = await f.link({ url: "https://example.com/limited", maxClicks: 3 });
    const unknown = f.slug();
    await control("redis", "stop");
    try {
      const res = await call("GET", `/${link.slug}?utm_source=outage`, human());
      expect(res.status).toBe(302);
      expect(res.headers.get("location")).toBe("https://example.com/resilient?utm_source=outage");
      const inbox = await f.inbox(link.id);
      expect(inbox).toHaveLength(1);
      expect(inbox[0]).toMatchObject({ linkId: link.id, slug: link.slug, kind: "human", dest: "https://example.com/resilient?utm_source=outage" });

      await expectProblem(await call("GET", `/${unknown}`, human()), 404);
      const refused = await call("GET", `/${limited.slug}`, human());
      await expectProblem(refused, 503);
      expect(refused.headers.get("retry-after")).toBeTruthy();
    } finally {
      await control("redis", "start");
    }
    // Nothing reached Redis meanwhile, and the limit was not consumed.
    expect(await redis.get(redisKeys.link(link.slug))).toBeNull();
    expect(await redis.get(redisKeys.clickClaims(limited.id))).toBeNull();
  });
});

describe("when Postgres is down", () => {
  it("still redirects links Redis knows, and answers 503 (not 500) for the others", async () => {
    const link = await f.link({ url: "https://example.com/cached" });
    await redisStore(redis, [toCachedLink(link)]);
    await control("postgres", "stop");
    try {
      expect((await call("GET", `/${link.slug}`, human())).headers.get("location")).toBe("https://example.com/cached");
      await expectProblem(await call("GET", `/${f.slug()}`, human()), 503);
    } finally {
      await control("postgres", "start");
    }
  });
});

describe("cache fills racing the links API", () => {
  it("drop an entry read from Postgres before a PATCH committed, instead of keeping it 7 days", async () => {
    const link = await f.link({ url: "https://example.com/before" });
    const stale = toCachedLink(link); // what a redirect read...
    await withDb((db) => db.update(links).set({ url: "https://example.com/after" }).where(eq(links.id, link.id))); // ...then the PATCH
    await withDb((db) => fillLinkCache(redis, db, link.slug, stale));
    expect(await redis.get(redisKeys.link(link.slug))).toBeNull();
  });

  it("drop a link entry whose row was deleted meanwhile", async () => {
    const link = await f.link({ url: "https://example.com/gone" });
    await withDb((db) => db.delete(links).where(eq(links.id, link.id)));
    await withDb((db) => fillLinkCache(redis, db, link.slug, toCachedLink(link)));
    expect(await redis.get(redisKeys.link(link.slug))).toBeNull();
  });

  it("let a create's write-through win over a negative entry, whichever comes first", async () => {
    const link = await f.link({ url: "https://example.com/born" });
    // The API wrote first: the fill loses (NX).
    await redisStore(redis, [toCachedLink(link)]);
    await withDb((db) => fillLinkCache(redis, db, link.slug, MISSING));
    expect(await redis.get(redisKeys.link(link.slug))).toEqual(toCachedLink(link));
    // The fill wrote first: the API's plain SET replaces it.
    await redis.del(redisKeys.link(link.slug));
    await withDb((db) => fillLinkCache(redis, db, link.slug, MISSING));
    expect(await redis.ttl(redisKeys.link(link.slug))).toBeLessThanOrEqual(NEGATIVE_TTL_SECONDS);
    await redisStore(redis, [toCachedLink(link)]);
    expect(await redis.get(redisKeys.link(link.slug))).toEqual(toCachedLink(link));
  });

  it("never overwrite an entry the API wrote first, and keep a fill that is still true", async () => {
    const link = await f.link({ url: "https://example.com/current" });
    await redisStore(redis, [{ ...toCachedLink(link), url: "https://example.com/written-by-api" }]);
    await withDb((db) => fillLinkCache(redis, db, link.slug, toCachedLink(link)));
    expect(await redis.get(redisKeys.link(link.slug))).toMatchObject({ url: "https://example.com/written-by-api" });

    await redis.del(redisKeys.link(link.slug));
    await withDb((db) => fillLinkCache(redis, db, link.slug, toCachedLink(link)));
    expect(await redis.get(redisKeys.link(link.slug))).toEqual(toCachedLink(link));
  });
});
