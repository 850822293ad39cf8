import { afterEach, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { links } from "../db/schema.ts";
import { NEGATIVE_TTL_SECONDS, redisKeys } from "../functions/shared/redis-keys.ts";
import { hashPassword } from "../functions/shared/password.ts";
import { control } from "./harness.ts";
import { BROWSER_UA, Fixtures, human, redis, visit, withDb, withSettings } from "./redirect-fixtures.ts";
import { fillLinkCache, invalidate, MISSING, redisStore, toCachedLink } from "../functions/redirect/link-cache/index.ts";

const f = new Fixtures();
afterEach(() => f.cleanup());

const noIsolateCache = withSettings({ LINK_CACHE_SECONDS: "0" });
const form = (password: string, headers: Record<string, string> = {}) => ({
  method: "POST",
  headers: { "user-agent": BROWSER_UA, "content-type": "application/x-www-form-urlencoded", ...headers },
  body: new URLSearchParams({ password }),
});

async function expectProblem(res: Response, status: number) {
  expect(res.status).toBe(status);
  expect(res.headers.get("content-type")).toBe("application/problem+json");
  const body = (await res.json()) as { status: number; title: string; detail: string };
  expect(body.status).toBe(status);
  expect(body.detail).toBeTruthy();
  return body;
}

describe("unknown slugs", () => {
  it("answer 404 and are cached negatively in Redis, so the next lookup does not reach Postgres", async () => {
    const slug = f.slug();
    await expectProblem(await visit(`/${slug}`, human(), noIsolateCache), 404);
    expect(await redis.get(redisKeys.link(slug))).toEqual(MISSING);
    const ttl = await redis.ttl(redisKeys.link(slug));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(NEGATIVE_TTL_SECONDS);

    // The row appears in Postgres only (no write-through): a request that reached Postgres would redirect.
    await f.link({ slug, url: "https://example.com/late" });
    await expectProblem(await visit(`/${slug}`, human(), noIsolateCache), 404);
    // Once the marker is gone (expiry, or the API's write-through), Postgres is read again.
    await redis.del(redisKeys.link(slug));
    expect((await visit(`/${slug}`, human(), noIsolateCache)).headers.get("location")).toBe("https://example.com/late");
  });

  it("are also remembered by the isolate, which then asks neither Redis nor Postgres", async () => {
    const slug = f.slug();
    await expectProblem(await visit(`/${slug}`, human()), 404);
    const link = await f.link({ slug, url: "https://example.com/now-exists" });
    await redisStore(redis, [toCachedLink(link)]); // what the API's create does
    await expectProblem(await visit(`/${slug}`, human()), 404);
    invalidate(slug);
    expect((await visit(`/${slug}`, human())).status).toBe(302);
  });

  it("answer 404 for anything that is not a slug, without touching Redis or Postgres", async () => {
    // Bindings whose Redis and Postgres cannot be reached: any lookup would turn into a 503.
    const unreachable = withSettings({
      UPSTASH_REDIS_REST_URL: "http://127.0.0.1:9",
      DATABASE_URL: "postgres://nobody:nothing@127.0.0.1:9/none",
    });
    for (const path of ["/a.b", `/${"x".repeat(65)}`, "/%00", "/a%2Fb", "/%F0%9F%8C%AD", "/favicon.ico", "/robots.txt"]) {
      await expectProblem(await visit(path, human(), unreachable), 404);
    }
    // The same bindings do fail a real slug (so the check above proves something).
    await expectProblem(await visit("/abc", human(), unreachable), 503);
  });

  it("answer 404 for nested paths", async () => {
    await expectProblem(await visit("/a/b", human()), 404);
  });
});

describe("expired links and click limits", () => {
  it("answer 410 when expired without a fallback, and record no click", async () => {
    const link = await f.link({ url: "https://example.com/x", expiresAt: new Date(Date.now() - 60_000) });
    const body = await expectProblem(await visit(`/${link.slug}`, human()), 410);
    expect(body.detail).toMatch(/expired/);
    expect(await f.events(link.id)).toEqual([]);
  });

  it("let exactly maxClicks humans through under concurrency, and do not inflate the counter", async () => {
    const link = await f.link({ url: "https://example.com/five", maxClicks: 5 });
    const results = await Promise.all(Array.from({ length: 20 }, () => visit(`/${link.slug}`, human(), noIsolateCache)));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 302)).toHaveLength(5);
    expect(statuses.filter((s) => s === 410)).toHaveLength(15);
    expect(await redis.get(redisKeys.humanClicks(link.id))).toBe(5);
    expect(await f.events(link.id)).toHaveLength(5);
  });

  it("never let bots or previews consume clicks, but refuse them too once the limit is reached", async () => {
    const link = await f.link({ url: "https://example.com/two", maxClicks: 2 });
    // They get a page without the destination (a one-time link must not leak to them), and are recorded.
    const withheld = async (init: RequestInit) => {
      const res = await visit(`/${link.slug}`, init);
      return [res.status, res.headers.get("location"), (await res.text()).includes("example.com/two")];
    };
    for (let i = 0; i < 3; i++) expect(await withheld({ headers: { "user-agent": "curl/8.5.0" } })).toEqual([200, null, false]);
    expect(await withheld({ method: "HEAD", ...human() })).toEqual([200, null, false]);
    expect(await withheld({ headers: { "user-agent": "Twitterbot/1.0" } })).toEqual([200, null, false]);
    expect(await redis.get(redisKeys.humanClicks(link.id))).toBeNull();

    expect((await visit(`/${link.slug}`, human())).status).toBe(302);
    expect((await visit(`/${link.slug}`, human())).status).toBe(302);
    await expectProblem(await visit(`/${link.slug}`, human()), 410);
    await expectProblem(await visit(`/${link.slug}`, { headers: { "user-agent": "curl/8.5.0" } }), 410);
    expect((await visit(`/${link.slug}`, { method: "HEAD", ...human() })).status).toBe(410);
    expect(await redis.get(redisKeys.humanClicks(link.id))).toBe(2);
    expect((await f.events(link.id)).map((e) => e.kind)).toEqual(["bot", "bot", "bot", "preview", "preview", "human", "human"]);
  });
});

describe("one-time links", () => {
  it("never show their destination to curl -I, however often asked, and count each HEAD as a preview", async () => {
    const link = await f.link({ url: "https://example.com/once-only", maxClicks: 1 });
    for (let i = 0; i < 5; i++) {
      const res = await visit(`/${link.slug}`, { method: "HEAD", headers: { "user-agent": "curl/8.5.0" } });
      expect([res.status, res.headers.get("location")]).toEqual([200, null]);
    }
    const res = await visit(`/${link.slug}`, human());
    expect([res.status, res.headers.get("location")]).toEqual([302, "https://example.com/once-only"]);
    await expectProblem(await visit(`/${link.slug}`, human()), 410);
    expect((await f.events(link.id)).map((e) => [e.kind, e.reason, e.dest])).toEqual([
      ...Array.from({ length: 5 }, () => ["preview", "head", null]),
      ["human", null, "https://example.com/once-only"],
    ]);
  });

  it("with a password, show neither the destination nor whether it expired before the password is given", async () => {
    const past = new Date(Date.now() - 60_000);
    const expired = await f.link({ url: "https://example.com/old-secret", passwordHash: await hashPassword("pw"), expiresAt: past, fallbackUrl: "https://example.com/fb" });
    const head = await visit(`/${expired.slug}`, { method: "HEAD", ...human() });
    expect([head.status, head.headers.get("location")]).toEqual([200, null]);
    expect((await visit(`/${expired.slug}`, human())).status).toBe(200); // the form, as for an exhausted one
    const unlocked = await visit(`/${expired.slug}`, form("pw"));
    expect([unlocked.status, unlocked.headers.get("location")]).toEqual([303, "https://example.com/fb"]);
  });
});

describe("password links", () => {
  it("answer 401 with the form again on a wrong password, and record no click", async () => {
    const link = await f.link({ url: "https://example.com/hidden-9b2", passwordHash: await hashPassword("right") });
    const res = await visit(`/${link.slug}`, form("wrong"));
    expect(res.status).toBe(401);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const page = await res.text();
    expect(page).toContain('role="alert"');
    expect(page).toContain('aria-invalid="true"');
    expect(page).not.toContain("hidden-9b2");
    expect(await f.events(link.id)).toEqual([]);
  });

  it("refuse a POST without the field (400), of another type (415) or oversized (413), changing nothing", async () => {
    const link = await f.link({ url: "https://example.com/y", passwordHash: await hashPassword("right") });
    const base = { method: "POST", headers: { "user-agent": BROWSER_UA, "content-type": "application/x-www-form-urlencoded" } };
    await expectProblem(await visit(`/${link.slug}`, { ...base, body: "other=1" }), 400);
    await expectProblem(await visit(`/${link.slug}`, { ...base, body: `password=${"a".repeat(2000)}` }), 400);
    await expectProblem(
      await visit(`/${link.slug}`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"password":"right"}' }),
      415,
    );
    await expectProblem(await visit(`/${link.slug}`, { ...base, body: `password=${"a".repeat(20_000)}` }), 413);
    expect(await f.events(link.id)).toEqual([]);
  });

  it("answer 404 to a POST on an unknown slug", async () => {
    await expectProblem(await visit(`/${f.slug()}`, form("x")), 404);
  });

  it("rate-limit attempts per visitor IP (429 with Retry-After), even for the right password", async () => {
    const link = await f.link({ url: "https://example.com/z", passwordHash: await hashPassword("right") });
    const ip = { "cf-connecting-ip": "192.0.2.77" };
    for (let i = 0; i < 10; i++) expect((await visit(`/${link.slug}`, form("guess", ip))).status).toBe(401);
    const limited = await visit(`/${link.slug}`, form("right", ip));
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await limited.text()).toContain("Too many attempts");
    // Another visitor is not affected.
    expect((await visit(`/${link.slug}`, form("right", { "cf-connecting-ip": "192.0.2.78" }))).status).toBe(303);
    const keys = await redis.keys(`${redisKeys.passwordAttempts}:${link.id}:*`);
    if (keys.length) await redis.del(...keys);
  });
});

describe("when Redis is down", () => {
  it("redirects from Postgres and writes the click to click_inbox; a maxClicks link answers 503", async () => {
    const link = await f.link({ url: "https://example.com/resilient" });
    const limited = await f.link({ url: "https://example.com/limited", maxClicks: 3 });
    const unknown = f.slug();
    await control("redis", "stop");
    try {
      const res = await visit(`/${link.slug}?utm_source=outage`, human());
      expect(res.status).toBe(302);
      expect(res.headers.get("location")).toBe("https://example.com/resilient?utm_source=outage");
      const inbox = await f.inbox(link.id);
      expect(inbox).toHaveLength(1);
      expect(inbox[0]).toMatchObject({ linkId: link.id, slug: link.slug, kind: "human", dest: "https://example.com/resilient?utm_source=outage" });

      await expectProblem(await visit(`/${unknown}`, human()), 404);
      const refused = await visit(`/${limited.slug}`, human());
      await expectProblem(refused, 503);
      expect(refused.headers.get("retry-after")).toBeTruthy();
    } finally {
      await control("redis", "start");
    }
    // Nothing reached Redis meanwhile, and the limit was not consumed.
    expect(await redis.get(redisKeys.link(link.slug))).toBeNull();
    expect(await redis.get(redisKeys.humanClicks(limited.id))).toBeNull();
  });
});

describe("when Postgres is down", () => {
  it("still redirects links Redis knows, and answers 503 (not 500) for the others", async () => {
    const link = await f.link({ url: "https://example.com/cached" });
    await redisStore(redis, [toCachedLink(link)]);
    await control("postgres", "stop");
    try {
      expect((await visit(`/${link.slug}`, human())).headers.get("location")).toBe("https://example.com/cached");
      await expectProblem(await visit(`/${f.slug()}`, human()), 503);
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
