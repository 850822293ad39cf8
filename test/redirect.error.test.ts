/** Redirects that cannot be served: unknown slugs, expired links, spent click limits, wrong passwords. */
import { afterEach, describe, expect, it } from "vitest";
import { NEGATIVE_TTL_SECONDS, redisKeys } from "../functions/shared/redis-keys.ts";
import { hashPassword } from "../functions/shared/password.ts";
import { redis } from "./helpers/redis.ts";
import { expectProblem, Fixtures, human, humanForm, visitor } from "./helpers/redirect.ts";
import { call } from "./helpers/worker.ts";
import { uniqueSlug } from "./helpers/unique.ts";
import { invalidate, MISSING, redisStore, toCachedLink } from "../functions/redirect/link-cache/index.ts";

const f = new Fixtures();
afterEach(() => f.cleanup());

const noIsolateCache = { LINK_CACHE_SECONDS: "0" };
const form = (password: string, headers: Record<string, string> = {}) => humanForm(new URLSearchParams({ password }), headers);

describe("unknown slugs", () => {
  it("answer 404 and are cached negatively in Redis, so the next lookup does not reach Postgres", async () => {
    const slug = f.slug();
    await expectProblem(await call("GET", `/${slug}`, { ...human(), settings: noIsolateCache }), 404);
    expect(await redis.get(redisKeys.link(slug))).toEqual(MISSING);
    const ttl = await redis.ttl(redisKeys.link(slug));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(NEGATIVE_TTL_SECONDS);

    // The row appears in Postgres only (no write-through): a request that reached Postgres would redirect.
    await f.link({ slug, url: "https://example.com/late" });
    await expectProblem(await call("GET", `/${slug}`, { ...human(), settings: noIsolateCache }), 404);
    // Once the marker is gone (expiry, or the API's write-through), Postgres is read again.
    await redis.del(redisKeys.link(slug));
    expect((await call("GET", `/${slug}`, { ...human(), settings: noIsolateCache })).headers.get("location")).toBe("https://example.com/late");
  });

  it("are also remembered by the isolate, which then asks neither Redis nor Postgres", async () => {
    const slug = f.slug();
    await expectProblem(await call("GET", `/${slug}`, human()), 404);
    const link = await f.link({ slug, url: "https://example.com/now-exists" });
    await redisStore(redis, [toCachedLink(link)]); // what the API's create does
    await expectProblem(await call("GET", `/${slug}`, human()), 404);
    invalidate(slug);
    expect((await call("GET", `/${slug}`, human())).status).toBe(302);
  });

  it("answer 404 for anything that is not a slug, without touching Redis or Postgres", async () => {
    // Bindings whose Redis and Postgres cannot be reached: any lookup would turn into a 503.
    const unreachable = {
      UPSTASH_REDIS_REST_URL: "http://127.0.0.1:9",
      DATABASE_URL: "postgres://nobody:nothing@127.0.0.1:9/none",
    };
    for (const path of ["/a.b", `/${"x".repeat(65)}`, "/%00", "/a%2Fb", "/%F0%9F%8C%AD", "/favicon.ico"]) {
      await expectProblem(await call("GET", path, { ...human(), settings: unreachable }), 404);
    }
    // The same bindings do fail a real slug (so the check above proves something), and robots.txt, which
    // lists the crawlable links (docs/shlink.md), says the store is unavailable rather than failing.
    await expectProblem(await call("GET", `/${uniqueSlug("nowhere")}`, { ...human(), settings: unreachable }), 503);
    // Another configuration's robots.txt, remembered in this isolate, is not this one's (the memo was per
    // domain only, and an earlier file's fetch answered 200 here from the working stores).
    // (A configuration of its own: the memo it fills must be no other test file's.)
    expect((await call("GET", "/robots.txt", { ...human(), settings: { RATE_LIMIT_PER_MINUTE: "99999" } })).status).toBe(200);
    await expectProblem(await call("GET", "/robots.txt", { ...human(), settings: unreachable }), 503);
  });

  it("answer 404 for nested paths", async () => {
    await expectProblem(await call("GET", "/a/b", human()), 404);
  });
});

describe("expired links and click limits", () => {
  it("answer 410 when expired without a fallback, and record no click", async () => {
    const link = await f.link({ url: "https://example.com/x", expiresAt: new Date(Date.now() - 60_000) });
    const body = await expectProblem(await call("GET", `/${link.slug}`, human()), 410);
    expect(body.detail).toMatch(/expired/);
    expect(await f.events(link.id)).toEqual([]);
  });

  it("let exactly maxClicks humans through under concurrency, and do not inflate the counter", async () => {
    const link = await f.link({ url: "https://example.com/five", maxClicks: 5 });
    const results = await Promise.all(Array.from({ length: 20 }, () => call("GET", `/${link.slug}`, { ...human(), settings: noIsolateCache })));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 302)).toHaveLength(5);
    expect(statuses.filter((s) => s === 410)).toHaveLength(15);
    expect(await redis.get(redisKeys.clickClaims(link.id))).toBe(5);
    expect(await f.events(link.id)).toHaveLength(5);
  });

  it("never let bots or previews consume clicks, but refuse them too once the limit is reached", async () => {
    const link = await f.link({ url: "https://example.com/two", maxClicks: 2 });
    // They get a page without the destination (a one-time link must not leak to them), and are recorded.
    const withheld = async (method: string, opts: ReturnType<typeof visitor>) => {
      const res = await call(method, `/${link.slug}`, opts);
      return [res.status, res.headers.get("location"), (await res.text()).includes("example.com/two")];
    };
    for (let i = 0; i < 3; i++) expect(await withheld("GET", visitor({ "user-agent": "curl/8.5.0" }))).toEqual([200, null, false]);
    expect(await withheld("HEAD", human())).toEqual([200, null, false]);
    expect(await withheld("GET", visitor({ "user-agent": "Twitterbot/1.0" }))).toEqual([200, null, false]);
    expect(await redis.get(redisKeys.clickClaims(link.id))).toBeNull();

    expect((await call("GET", `/${link.slug}`, human())).status).toBe(302);
    expect((await call("GET", `/${link.slug}`, human())).status).toBe(302);
    await expectProblem(await call("GET", `/${link.slug}`, human()), 410);
    await expectProblem(await call("GET", `/${link.slug}`, visitor({ "user-agent": "curl/8.5.0" })), 410);
    expect((await call("HEAD", `/${link.slug}`, human())).status).toBe(410);
    expect(await redis.get(redisKeys.clickClaims(link.id))).toBe(2);
    expect((await f.events(link.id)).map((e) => e.kind)).toEqual(["bot", "bot", "bot", "preview", "preview", "human", "human"]);
  });
});

describe("one-time links", () => {
  it("never show their destination to curl -I, however often asked, and count each HEAD as a preview", async () => {
    const link = await f.link({ url: "https://example.com/once-only", maxClicks: 1 });
    for (let i = 0; i < 5; i++) {
      const res = await call("HEAD", `/${link.slug}`, visitor({ "user-agent": "curl/8.5.0" }));
      expect([res.status, res.headers.get("location")]).toEqual([200, null]);
    }
    const res = await call("GET", `/${link.slug}`, human());
    expect([res.status, res.headers.get("location")]).toEqual([302, "https://example.com/once-only"]);
    await expectProblem(await call("GET", `/${link.slug}`, human()), 410);
    expect((await f.events(link.id)).map((e) => [e.kind, e.reason, e.dest])).toEqual([
      ...Array.from({ length: 5 }, () => ["preview", "head", null]),
      ["human", null, "https://example.com/once-only"],
    ]);
  });

  it("with a password, show neither the destination nor whether it expired before the password is given", async () => {
    const past = new Date(Date.now() - 60_000);
    const expired = await f.link({ url: "https://example.com/old-secret", passwordHash: await hashPassword("pw"), expiresAt: past, fallbackUrl: "https://example.com/fb" });
    const head = await call("HEAD", `/${expired.slug}`, human());
    expect([head.status, head.headers.get("location")]).toEqual([200, null]);
    expect((await call("GET", `/${expired.slug}`, human())).status).toBe(200); // the form, as for an exhausted one
    const unlocked = await call("POST", `/${expired.slug}`, form("pw"));
    expect([unlocked.status, unlocked.headers.get("location")]).toEqual([303, "https://example.com/fb"]);
  });
});

describe("password links", () => {
  it("answer 401 with the form again on a wrong password, and record no click", async () => {
    const link = await f.link({ url: "https://example.com/hidden-9b2", passwordHash: await hashPassword("right") });
    const res = await call("POST", `/${link.slug}`, form("wrong"));
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
    await expectProblem(await call("POST", `/${link.slug}`, humanForm("other=1")), 400);
    await expectProblem(await call("POST", `/${link.slug}`, humanForm(`password=${"a".repeat(2000)}`)), 400);
    await expectProblem(
      await call("POST", `/${link.slug}`, { ...visitor({ "content-type": "application/json" }), raw: '{"password":"right"}' }),
      415,
    );
    await expectProblem(await call("POST", `/${link.slug}`, humanForm(`password=${"a".repeat(20_000)}`)), 413);
    expect(await f.events(link.id)).toEqual([]);
  });

  it("answer 404 to a POST on an unknown slug", async () => {
    await expectProblem(await call("POST", `/${f.slug()}`, form("x")), 404);
  });

  it("rate-limit attempts per visitor IP (429 with Retry-After), even for the right password", async () => {
    const link = await f.link({ url: "https://example.com/z", passwordHash: await hashPassword("right") });
    const ip = { "cf-connecting-ip": "192.0.2.77" };
    for (let i = 0; i < 10; i++) expect((await call("POST", `/${link.slug}`, form("guess", ip))).status).toBe(401);
    const limited = await call("POST", `/${link.slug}`, form("right", ip));
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await limited.text()).toContain("Too many attempts");
    // Another visitor is not affected.
    expect((await call("POST", `/${link.slug}`, form("right", { "cf-connecting-ip": "192.0.2.78" }))).status).toBe(303);
    const keys = await redis.keys(`${redisKeys.passwordAttempts}:${link.id}:*`);
    if (keys.length) await redis.del(...keys);
  });
});
