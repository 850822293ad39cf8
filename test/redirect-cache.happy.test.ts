/**
 * Where a redirect finds its link: the isolate's memory, the Redis entry, Postgres on a miss (filling Redis),
 * counted in commands the real redis-server saw; and how each cache follows the links API's writes.
 */
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { visitorHash } from "../functions/shared/visitor.ts";
import { deleteLink, updateLink } from "../db/queries/links.ts";
import { redisKeys } from "../functions/shared/redis-keys.ts";
import { withDb } from "./helpers/db.ts";
import { redis } from "./helpers/redis.ts";
import { Fixtures, human } from "./helpers/redirect.ts";
import { call } from "./helpers/worker.ts";
import { invalidate, redisStore, tombstoneOf, toCachedLink } from "../functions/redirect/link-cache/index.ts";

const f = new Fixtures();
afterEach(() => f.cleanup());

/** redis-server's own command counters (INFO commandstats), read through the bridge. */
async function commandCalls(): Promise<Record<string, number>> {
  const info = String(await redis.eval("return redis.call('INFO', 'commandstats')", [], []));
  return Object.fromEntries([...info.matchAll(/^cmdstat_(\w+):calls=(\d+)/gm)].map((m) => [m[1], Number(m[2])]));
}

/** How many GET and EVAL (and EVALSHA) commands the Worker sent while serving `path` (clicks captured too). */
async function commandsDuring(path: string) {
  const before = await commandCalls();
  await call("GET", path, human());
  const after = await commandCalls();
  const delta = (name: string) => (after[name] ?? 0) - (before[name] ?? 0);
  // The EVAL that read `before` is itself counted in `after`.
  return { get: delta("get"), eval: delta("eval") - 1, evalsha: delta("evalsha") };
}

async function lookupsDuring(path: string) {
  const { get, eval: evals } = await commandsDuring(path);
  return { get, eval: evals };
}

describe("lookup and caches", () => {
  // The day's visitor salt is read from Redis once per isolate and day (functions/shared/visitor.ts): read
  // it now, so the counts below are those of every other redirect of the day.
  beforeAll(() => visitorHash(redis, Date.now(), "", ""));

  it("reads Redis once (one GET) for a link the isolate lacks, and not at all on an isolate hit", async () => {
    const link = await f.link({ url: "https://example.com/rt" });
    await redisStore(redis, [toCachedLink(link)]); // in Redis, as the links API leaves every link it writes
    expect(await lookupsDuring(`/${link.slug}`)).toEqual({ get: 1, eval: 0 });
    expect(await lookupsDuring(`/${link.slug}`)).toEqual({ get: 0, eval: 0 });
    // A maxClicks link adds its one atomic claim (an EVAL, whose own GET of the counter redis-server counts too).
    const limited = await f.link({ url: "https://example.com/rt-limited", maxClicks: 10 });
    await redisStore(redis, [toCachedLink(limited)]);
    expect(await lookupsDuring(`/${limited.slug}`)).toEqual({ get: 1 + 1, eval: 1 });
    expect(await lookupsDuring(`/${limited.slug}`)).toEqual({ get: 0 + 1, eval: 1 });
  });

  it("answers from the Redis entry alone (no row needed)", async () => {
    const slug = f.slug();
    await redis.set(redisKeys.link(slug), {
      id: "lnk_redisonly", slug, url: "https://example.com/from-redis", redirectType: 302,
      expiresAt: null, maxClicks: null, fallbackUrl: null, passwordHash: null,
    });
    const res = await call("GET", `/${slug}`, human());
    expect(res.headers.get("location")).toBe("https://example.com/from-redis");
    await redis.del(redisKeys.clickClaims("lnk_redisonly"));
    const entries = await redis.xrange(redisKeys.clickStream, "-", "+");
    const ours = Object.entries(entries).filter(([, v]) => JSON.stringify(v).includes("lnk_redisonly")).map(([id]) => id);
    if (ours.length) await redis.xdel(redisKeys.clickStream, ours);
  });

  it("reads Postgres on a Redis miss and repopulates Redis with a 7-day entry", async () => {
    const link = await f.link({ url: "https://example.com/db" });
    expect(await redis.get(redisKeys.link(link.slug))).toBeNull();
    expect((await call("GET", `/${link.slug}`, human())).headers.get("location")).toBe("https://example.com/db");
    expect(await redis.get(redisKeys.link(link.slug))).toEqual(toCachedLink(link));
    const ttl = await redis.ttl(redisKeys.link(link.slug));
    expect(ttl).toBeGreaterThan(6 * 24 * 3600);
  });

  it("pays the scanner budget and a versioned fill only for a link Redis lacks", async () => {
    const link = await f.link({ url: "https://example.com/rt-postgres" });
    // The GET of the lookup; the budget's one EVALSHA (two GETs inside its sliding window); after the answer,
    // the fill's EVAL (one GET inside its compare-and-set).
    expect(await commandsDuring(`/${link.slug}`)).toEqual({ get: 1 + 2 + 1, eval: 1, evalsha: 1 });
    expect(await commandsDuring(`/${link.slug}`)).toEqual({ get: 0, eval: 0, evalsha: 0 });
  });

  it("follows a write-through PATCH and a DELETE on the very next redirect when the isolate cache is off", async () => {
    const noIsolateCache = { LINK_CACHE_SECONDS: "0" };
    const link = await f.link({ url: "https://example.com/v1" });
    expect((await call("GET", `/${link.slug}`, { ...human(), settings: noIsolateCache })).headers.get("location")).toBe("https://example.com/v1");

    // What PATCH does: update the row, write the cache through.
    const patched = (await withDb((db) => updateLink(db, null, link.slug, { url: "https://example.com/v2", redirectType: 301 })))!;
    await redisStore(redis, [toCachedLink(patched)]);
    const res = await call("GET", `/${link.slug}`, { ...human(), settings: noIsolateCache });
    expect([res.status, res.headers.get("location")]).toEqual([301, "https://example.com/v2"]);

    // What DELETE does: delete the row, leave a tombstone.
    const deleted = (await withDb((db) => deleteLink(db, null, link.slug)))!;
    await redisStore(redis, [], [tombstoneOf(toCachedLink(deleted))]);
    expect((await call("GET", `/${link.slug}`, { ...human(), settings: noIsolateCache })).status).toBe(404);
  });

  it("keeps a link in the isolate for LINK_CACHE_SECONDS, and invalidate() drops it at once", async () => {
    const link = await f.link({ url: "https://example.com/old" });
    expect((await call("GET", `/${link.slug}`, human())).headers.get("location")).toBe("https://example.com/old");
    const patched = (await withDb((db) => updateLink(db, null, link.slug, { url: "https://example.com/new" })))!;
    await redisStore(redis, [toCachedLink(patched)]);
    // Another isolate's PATCH: this isolate may serve its copy for a few seconds...
    expect((await call("GET", `/${link.slug}`, human())).headers.get("location")).toBe("https://example.com/old");
    // ...but the isolate that served the PATCH forgets it at once.
    invalidate(link.slug);
    expect((await call("GET", `/${link.slug}`, human())).headers.get("location")).toBe("https://example.com/new");
  });
});
