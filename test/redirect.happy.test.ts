import { exports } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import { hashPassword } from "../functions/shared/password.ts";
import { redisKeys } from "../functions/shared/redis-keys.ts";
import { BROWSER_UA, Fixtures, human, redis, visit, withDb, withSettings } from "./redirect-fixtures.ts";
import { invalidate, redisStore, tombstoneOf, toCachedLink } from "../functions/redirect/link-cache/index.ts";
import { deleteLink, updateLink } from "../db/queries/links.ts";

const f = new Fixtures();
afterEach(() => f.cleanup());

describe("GET /{slug}: redirects", () => {
  it("answers 302 with Location by default, uncacheable, noindex, through the real entrypoint", async () => {
    const link = await f.link({ url: "https://example.com/landing" });
    const res = await exports.default.fetch(`http://sho.rt/${link.slug}`, { ...human(), redirect: "manual" });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("https://example.com/landing");
    expect(res.headers.get("cache-control")).toBe("private, no-store");
    expect(res.headers.get("x-robots-tag")).toBe("noindex");
    expect(res.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
    // Its click is captured after the response (waitUntil): wait for it, so cleanup also removes it.
    await expect.poll(() => f.events(link.id)).toHaveLength(1);
  });

  it.each([
    [301, "private, max-age=90"],
    [307, "private, no-store"],
    [308, "private, max-age=90"],
  ])("answers the link's %i with its Cache-Control", async (type, cacheControl) => {
    const link = await f.link({ url: "https://example.com/t", redirectType: type });
    const res = await visit(`/${link.slug}`, human());
    expect(res.status).toBe(type);
    expect(res.headers.get("location")).toBe("https://example.com/t");
    expect(res.headers.get("cache-control")).toBe(cacheControl);
  });

  it("answers HEAD with the same status and Location, recorded as a preview", async () => {
    const link = await f.link({ url: "https://example.com/h", redirectType: 307 });
    const res = await visit(`/${link.slug}`, { method: "HEAD", ...human() });
    expect(res.status).toBe(307);
    expect(res.headers.get("location")).toBe("https://example.com/h");
    const events = await f.events(link.id);
    expect(events.map((e) => [e.kind, e.reason])).toEqual([["preview", "head"]]);
    expect(await redis.get(redisKeys.humanClicks(link.id))).toBeNull();
    expect(await redis.get(redisKeys.allClicks(link.id))).toBe(1);
  });

  it("forwards the short URL's query; the destination's own parameters win on a clash", async () => {
    const link = await f.link({ url: "https://example.com/p?a=1&utm_source=owner#top" });
    const res = await visit(`/${link.slug}?utm_source=visitor&b=2&b=3&c=x%20y`, human());
    expect(res.headers.get("location")).toBe("https://example.com/p?a=1&utm_source=owner&b=2&b=3&c=x%20y#top");

    const plain = await f.link({ url: "https://example.com/q" });
    expect((await visit(`/${plain.slug}?utm_medium=social`, human())).headers.get("location")).toBe(
      "https://example.com/q?utm_medium=social",
    );
    // No query: the destination exactly as stored.
    const odd = await f.link({ url: "https://example.com/r?x=a+b&y=%7E" });
    expect((await visit(`/${odd.slug}`, human())).headers.get("location")).toBe("https://example.com/r?x=a+b&y=%7E");
  });
});

describe("click capture", () => {
  it("puts one complete event per redirect on the stream, after the response", async () => {
    const link = await f.link({ url: "https://example.com/e" });
    const before = Date.now();
    const res = await visit(`/${link.slug}?utm_campaign=spring`, human({ referer: "https://news.example/item", "x-forwarded-for": "203.0.113.9" }));
    expect(res.status).toBe(302);
    const [event, ...more] = await f.events(link.id);
    expect(more).toEqual([]);
    expect(event).toMatchObject({
      linkId: link.id,
      slug: link.slug,
      kind: "human",
      reason: null,
      ua: BROWSER_UA,
      referrer: "https://news.example/item",
      country: null,
      region: null,
      city: null,
      query: "utm_campaign=spring",
      dest: "https://example.com/e?utm_campaign=spring",
    });
    expect(event.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(event.ts).toBeGreaterThanOrEqual(before);
    expect(event.ts).toBeLessThanOrEqual(Date.now());
    expect(event.visitor).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(event)).not.toContain("203.0.113.9");
    expect(await redis.get(redisKeys.humanClicks(link.id))).toBe(1);
    expect(await redis.get(redisKeys.allClicks(link.id))).toBe(1);
  });

  it("gives the same visitor for the same IP and user agent, another for another IP", async () => {
    const link = await f.link({ url: "https://example.com/v" });
    await visit(`/${link.slug}`, human({ "cf-connecting-ip": "198.51.100.1" }));
    await visit(`/${link.slug}`, human({ "cf-connecting-ip": "198.51.100.1" }));
    await visit(`/${link.slug}`, human({ "cf-connecting-ip": "198.51.100.2" }));
    const [a, b, c] = (await f.events(link.id)).map((e) => e.visitor);
    expect(a).toBe(b);
    expect(c).not.toBe(a);
  });

  it("classifies bots, preview fetchers and prefetches, and counts only humans as human clicks", async () => {
    const link = await f.link({ url: "https://example.com/k" });
    await visit(`/${link.slug}`, { headers: { "user-agent": "curl/8.5.0" } });
    await visit(`/${link.slug}`, { headers: { "user-agent": "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)" } });
    await visit(`/${link.slug}`, human({ "sec-purpose": "prefetch;prerender" }));
    await visit(`/${link.slug}`, human());
    expect((await f.events(link.id)).map((e) => [e.kind, e.reason])).toEqual([
      ["bot", "isbot"],
      ["preview", "preview-fetcher"],
      ["preview", "prefetch"],
      ["human", null],
    ]);
    expect(await redis.get(redisKeys.humanClicks(link.id))).toBe(1);
    expect(await redis.get(redisKeys.allClicks(link.id))).toBe(4);
  });
});

/** redis-server's own command counters (INFO commandstats), read through the bridge. */
async function commandCalls(): Promise<Record<string, number>> {
  const info = String(await redis.eval("return redis.call('INFO', 'commandstats')", [], []));
  return Object.fromEntries([...info.matchAll(/^cmdstat_(\w+):calls=(\d+)/gm)].map((m) => [m[1], Number(m[2])]));
}

/** How many GET and EVAL (and EVALSHA) commands the Worker sent while serving `path` (clicks captured too). */
async function commandsDuring(path: string) {
  const before = await commandCalls();
  await visit(path, human());
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

  it("pays the scanner budget and a versioned fill only for a link Redis lacks", async () => {
    const link = await f.link({ url: "https://example.com/rt-postgres" });
    // The GET of the lookup; the budget's one EVALSHA (two GETs inside its sliding window); after the answer,
    // the fill's EVAL (one GET inside its compare-and-set).
    expect(await commandsDuring(`/${link.slug}`)).toEqual({ get: 1 + 2 + 1, eval: 1, evalsha: 1 });
    expect(await commandsDuring(`/${link.slug}`)).toEqual({ get: 0, eval: 0, evalsha: 0 });
  });

  it("answers from the Redis entry alone (no row needed)", async () => {
    const slug = f.slug();
    await redis.set(redisKeys.link(slug), {
      id: "lnk_redisonly", slug, url: "https://example.com/from-redis", redirectType: 302,
      expiresAt: null, maxClicks: null, fallbackUrl: null, passwordHash: null,
    });
    const res = await visit(`/${slug}`, human());
    expect(res.headers.get("location")).toBe("https://example.com/from-redis");
    await redis.del(redisKeys.humanClicks("lnk_redisonly"), redisKeys.allClicks("lnk_redisonly"));
    const entries = await redis.xrange(redisKeys.clickStream, "-", "+");
    const ours = Object.entries(entries).filter(([, v]) => JSON.stringify(v).includes("lnk_redisonly")).map(([id]) => id);
    if (ours.length) await redis.xdel(redisKeys.clickStream, ours);
  });

  it("reads Postgres on a Redis miss and repopulates Redis with a 7-day entry", async () => {
    const link = await f.link({ url: "https://example.com/db" });
    expect(await redis.get(redisKeys.link(link.slug))).toBeNull();
    expect((await visit(`/${link.slug}`, human())).headers.get("location")).toBe("https://example.com/db");
    expect(await redis.get(redisKeys.link(link.slug))).toEqual(toCachedLink(link));
    const ttl = await redis.ttl(redisKeys.link(link.slug));
    expect(ttl).toBeGreaterThan(6 * 24 * 3600);
  });

  it("follows a write-through PATCH and a DELETE on the very next redirect when the isolate cache is off", async () => {
    const noIsolateCache = withSettings({ LINK_CACHE_SECONDS: "0" });
    const link = await f.link({ url: "https://example.com/v1" });
    expect((await visit(`/${link.slug}`, human(), noIsolateCache)).headers.get("location")).toBe("https://example.com/v1");

    // What PATCH does: update the row, write the cache through.
    const patched = (await withDb((db) => updateLink(db, link.slug, { url: "https://example.com/v2", redirectType: 301 })))!;
    await redisStore(redis, [toCachedLink(patched)]);
    const res = await visit(`/${link.slug}`, human(), noIsolateCache);
    expect([res.status, res.headers.get("location")]).toEqual([301, "https://example.com/v2"]);

    // What DELETE does: delete the row, drop the entry.
    const deleted = (await withDb((db) => deleteLink(db, link.slug)))!;
    await redisStore(redis, [], [tombstoneOf(toCachedLink(deleted))]);
    expect((await visit(`/${link.slug}`, human(), noIsolateCache)).status).toBe(404);
  });

  it("keeps a link in the isolate for LINK_CACHE_SECONDS, and invalidate() drops it at once", async () => {
    const link = await f.link({ url: "https://example.com/old" });
    expect((await visit(`/${link.slug}`, human())).headers.get("location")).toBe("https://example.com/old");
    const patched = (await withDb((db) => updateLink(db, link.slug, { url: "https://example.com/new" })))!;
    await redisStore(redis, [toCachedLink(patched)]);
    // Another isolate's PATCH: this isolate may serve its copy for a few seconds...
    expect((await visit(`/${link.slug}`, human())).headers.get("location")).toBe("https://example.com/old");
    // ...but the isolate that served the PATCH forgets it at once.
    invalidate(link.slug);
    expect((await visit(`/${link.slug}`, human())).headers.get("location")).toBe("https://example.com/new");
  });
});

describe("expiry, click limits and fallbacks", () => {
  it("sends an expired link with a fallbackUrl there (302, query forwarded), recorded as a click", async () => {
    const link = await f.link({
      url: "https://example.com/secret-sale",
      expiresAt: new Date(Date.now() - 1000),
      fallbackUrl: "https://example.com/sale-over",
      redirectType: 301,
    });
    const res = await visit(`/${link.slug}?ref=tw`, human());
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("https://example.com/sale-over?ref=tw");
    expect(res.headers.get("cache-control")).toBe("private, no-store");
    expect((await f.events(link.id)).map((e) => e.dest)).toEqual(["https://example.com/sale-over?ref=tw"]);
  });

  it("serves a link whose expiry is in the future", async () => {
    const link = await f.link({ url: "https://example.com/live", expiresAt: new Date(Date.now() + 3_600_000) });
    expect((await visit(`/${link.slug}`, human())).status).toBe(302);
  });

  it("sends a link past maxClicks to its fallback, keeping the live counter equal to human clicks served", async () => {
    const link = await f.link({ url: "https://example.com/ticket", maxClicks: 1, fallbackUrl: "https://example.com/sold-out" });
    expect((await visit(`/${link.slug}`, human())).headers.get("location")).toBe("https://example.com/ticket");
    expect((await visit(`/${link.slug}`, human())).headers.get("location")).toBe("https://example.com/sold-out");
    expect((await f.events(link.id)).map((e) => e.dest)).toEqual(["https://example.com/ticket", "https://example.com/sold-out"]);
    expect(await redis.get(redisKeys.humanClicks(link.id))).toBe(2);
  });
});

describe("password-protected links", () => {
  it("answers a form without the destination, then redirects with 303 on the right password", async () => {
    const link = await f.link({ url: "https://example.com/private-doc-7f3a", passwordHash: await hashPassword("open sesame"), redirectType: 308 });
    const form = await visit(`/${link.slug}?utm_source=mail`, human());
    expect(form.status).toBe(200);
    expect(form.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(form.headers.get("cache-control")).toBe("no-store");
    const page = await form.text();
    expect(page).toContain('<form method="post">');
    expect(page).toContain('name="password"');
    expect(page).toContain('<label for="password">');
    expect(page).not.toContain("private-doc-7f3a");
    expect(page).not.toContain("example.com");
    expect(await f.events(link.id)).toEqual([]);

    const res = await visit(`/${link.slug}?utm_source=mail`, {
      method: "POST",
      headers: { "user-agent": BROWSER_UA, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ password: "open sesame" }),
    });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("https://example.com/private-doc-7f3a?utm_source=mail");
    expect((await f.events(link.id)).map((e) => e.kind)).toEqual(["human"]);
  });

  it("redirects a POST to a link without a password (e.g. removed while the form was open)", async () => {
    const link = await f.link({ url: "https://example.com/open" });
    const res = await visit(`/${link.slug}`, {
      method: "POST",
      headers: { "user-agent": BROWSER_UA, "content-type": "application/x-www-form-urlencoded" },
      body: "password=whatever",
    });
    expect([res.status, res.headers.get("location")]).toEqual([303, "https://example.com/open"]);
  });
});

describe("routing", () => {
  it("leaves fixed routes to their owners and documents /{slug}", async () => {
    expect((await exports.default.fetch("http://sho.rt/healthz")).status).toBe(200);
    const doc = (await (await exports.default.fetch("http://sho.rt/openapi.json")).json()) as { paths: Record<string, Record<string, unknown>> };
    expect(Object.keys(doc.paths["/{slug}"]).sort()).toEqual(["get", "post"]);
  });
});
