import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { visitorHash } from "../functions/shared/visitor.ts";
import { forwardQuery } from "../functions/redirect/respond.ts";
import { redisKeys } from "../functions/shared/redis-keys.ts";
import { hashPassword } from "../functions/shared/password.ts";
import { MAX_CONDITIONS, MAX_RULES } from "../functions/shared/routing-conditions.ts";
import { redis } from "./helpers/redis.ts";
import { BROWSER_UA, Fixtures, human, humanForm } from "./helpers/redirect.ts";
import { call } from "./helpers/worker.ts";

const f = new Fixtures();
afterAll(() => f.cleanup());

describe("password links", () => {
  it("serve a form that cannot be framed, cached, scripted, or leak the destination, whatever the URL", async () => {
    const link = await f.link({ url: "https://dest.example/very-secret-path?token=s3cr3t", passwordHash: await hashPassword("pw") });
    const res = await call("GET", `/${link.slug}?x="><script>alert(1)</script>`, human());
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).not.toMatch(/very-secret-path|s3cr3t|dest\.example/);
    expect(page).not.toContain("<script");
    expect(res.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(res.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.headers.get("referrer-policy")).toBe("no-referrer");
    expect(res.headers.get("location")).toBeNull();
    // HEAD reveals nothing more.
    const head = await call("HEAD", `/${link.slug}`, human());
    expect([head.status, head.headers.get("location")]).toEqual([200, null]);
  });

  it("answer a right password with 303 even on a 307/308 link, so the browser never re-posts it to the destination", async () => {
    const link = await f.link({ url: "https://dest.example/keep", redirectType: 307, passwordHash: await hashPassword("pw") });
    const res = await call("POST", `/${link.slug}`, humanForm("password=pw"));
    expect(res.status).toBe(303);
  });

  it("never count the form or a wrong password as a click", async () => {
    const link = await f.link({ url: "https://dest.example/count", passwordHash: await hashPassword("pw"), maxClicks: 1 });
    await call("GET", `/${link.slug}`, human());
    await call("POST", `/${link.slug}`, humanForm("password=no"));
    expect(await redis.get(redisKeys.clickClaims(link.id))).toBeNull();
    expect(await f.events(link.id)).toEqual([]);
  });
});

describe("password attempts", () => {
  it("count only wrong passwords: unlocking never uses up an attempt", async () => {
    const link = await f.link({ url: "https://dest.example/often", passwordHash: await hashPassword("pw") });
    const headers = { "cf-connecting-ip": "203.0.113.77" };
    for (let i = 0; i < 12; i++) expect((await call("POST", `/${link.slug}`, humanForm("password=pw", headers))).status).toBe(303);
    const settings = { PASSWORD_FAILURES_PER_CLIENT: "2" };
    for (let i = 0; i < 2; i++) expect((await call("POST", `/${link.slug}`, { ...humanForm("password=no", headers), settings })).status).toBe(401);
    const refused = await call("POST", `/${link.slug}`, { ...humanForm("password=pw", headers), settings });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
  });

  it("are limited per link over all addresses: rotating addresses gains nothing", async () => {
    const link = await f.link({ url: "https://dest.example/rotated", passwordHash: await hashPassword("pw") });
    const settings = { PASSWORD_FAILURES_PER_LINK: "5", PASSWORD_FAILURES_PER_CLIENT: "100" };
    for (let i = 0; i < 5; i++) {
      const res = await call("POST", `/${link.slug}`, { ...humanForm("password=guess", { "cf-connecting-ip": `2001:db8::${i + 1}` }), settings });
      expect(res.status).toBe(401);
    }
    const res = await call("POST", `/${link.slug}`, { ...humanForm("password=guess", { "cf-connecting-ip": "2001:db8::99" }), settings });
    expect(res.status).toBe(429);
  });
});

describe("a scanner of random slugs", () => {
  it("gets 429 past POSTGRES_LOOKUPS_PER_MINUTE lookups that reach Postgres; cached links still redirect", async () => {
    const settings = { POSTGRES_LOOKUPS_PER_MINUTE: "5", LINK_CACHE_SECONDS: "0" };
    const headers = { "cf-connecting-ip": "198.51.100.200" };
    const cached = await f.link({ url: "https://dest.example/cached" });
    expect((await call("GET", `/${cached.slug}`, human())).status).toBe(302); // filled into Redis by this visit
    for (let i = 0; i < 5; i++) expect((await call("GET", `/${f.slug()}`, { ...human(headers), settings })).status).toBe(404);
    const refused = await call("GET", `/${f.slug()}`, { ...human(headers), settings });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(refused.headers.get("content-type")).toBe("application/problem+json");
    const res = await call("GET", `/${cached.slug}`, { ...human(headers), settings });
    expect([res.status, res.headers.get("location")]).toEqual([302, "https://dest.example/cached"]);
  });
});

describe("visitor hashes", () => {
  it("never carry the IP, and change with the UTC day", async () => {
    const day1 = Date.UTC(2026, 0, 10, 23, 59, 59);
    const day2 = Date.UTC(2026, 0, 11, 0, 0, 1);
    const a = await visitorHash(redis, day1, "203.0.113.5", BROWSER_UA);
    expect(a).toBe(await visitorHash(redis, day1 - 3_600_000, "203.0.113.5", BROWSER_UA));
    expect(a).not.toBe(await visitorHash(redis, day2, "203.0.113.5", BROWSER_UA));
    expect(a).toMatch(/^[0-9a-f]{64}$/);
  });

  it("are exactly HMAC-SHA-256 under the day's stored salt, as WebCrypto computes it (hashes made before and after a deploy agree)", async () => {
    const day = Date.UTC(2030, 2, 3, 12);
    const got = await visitorHash(redis, day, "203.0.113.9", BROWSER_UA);
    const salt = String(await redis.get<string>(redisKeys.visitorSalt("2030-03-03")));
    const enc = new TextEncoder();
    const key = await crypto.subtle.importKey("raw", enc.encode(salt), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, enc.encode(`203.0.113.9\n${BROWSER_UA}`)));
    expect(got).toBe([...mac].map((b) => b.toString(16).padStart(2, "0")).join(""));
    // Every call starts from the day's keyed state afresh: another input, then the first again, same answer.
    expect(await visitorHash(redis, day, "203.0.113.10", BROWSER_UA)).not.toBe(got);
    expect(await visitorHash(redis, day, "203.0.113.9", BROWSER_UA)).toBe(got);
  });

  it("use a random salt per day, kept in Redis two days at most: once it is gone, no hash can be made again", async () => {
    const now = Date.now();
    const today = new Date(now).toISOString().slice(0, 10);
    await call("GET", `/${(await f.link({ url: "https://dest.example/salted" })).slug}`, human());
    const salt = await redis.get<string>(redisKeys.visitorSalt(today));
    expect(atob(String(salt)).length).toBe(32);
    const ttl = await redis.ttl(redisKeys.visitorSalt(today));
    expect(ttl).toBeGreaterThan(24 * 3600 - 1); // it outlives the day its clicks arrive in...
    expect(ttl).toBeLessThanOrEqual(2 * 24 * 3600); // ...and no more than a day after that
    // Nothing it came from can make it again: a day whose salt was deleted hashes the same visitor anew.
    const day = Date.UTC(2031, 4, 17, 12);
    const before = await visitorHash(redis, day, "203.0.113.5", BROWSER_UA);
    await visitorHash(redis, now, "203.0.113.5", BROWSER_UA); // this isolate moves on to another day
    await redis.del(redisKeys.visitorSalt("2031-05-17"));
    expect(await visitorHash(redis, day, "203.0.113.5", BROWSER_UA)).not.toBe(before);
  });
});

describe("logs", () => {
  it("never print a client address, whatever the request does", async () => {
    const address = "198.51.100.77";
    const printed: string[] = [];
    const methods = ["log", "info", "warn", "error", "debug"] as const;
    const original = methods.map((m) => console[m]);
    for (const m of methods) console[m] = (...args: unknown[]) => void printed.push(args.map(String).join(" "));
    try {
      const headers = { "cf-connecting-ip": address, "x-forwarded-for": address };
      const link = await f.link({ url: "https://dest.example/logged", passwordHash: await hashPassword("pw") });
      await call("GET", `/${link.slug}`, human(headers));
      await call("POST", `/${link.slug}`, humanForm("password=wrong", headers));
      await call("GET", `/${f.slug()}`, { ...human(headers), settings: { POSTGRES_LOOKUPS_PER_MINUTE: "1" } });
      await call("GET", `/${f.slug()}`, { ...human(headers), settings: { POSTGRES_LOOKUPS_PER_MINUTE: "1" } });
      await call("GET", "/api/v1/links", { key: "emu_wrongwrongwrongwrongwrongwrongwr", headers, settings: { AUTH_FAILURES_PER_MINUTE: "1" } });
      await call("GET", "/api/v1/links", { key: "emu_wrongwrongwrongwrongwrongwrongwr", headers, settings: { AUTH_FAILURES_PER_MINUTE: "1" } });
    } finally {
      methods.forEach((m, i) => (console[m] = original[i]));
    }
    expect(printed.filter((line) => line.includes(address))).toEqual([]);
  });
});

describe("query forwarding", () => {
  it("can never change the destination's origin or path, whatever the visitor appends", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 200 }), (query) => {
        const out = new URL(forwardQuery("https://dest.example/path?k=v#f", query));
        expect(out.origin).toBe("https://dest.example");
        expect(out.pathname).toBe("/path");
        expect(out.searchParams.get("k")).toBe("v");
        expect(out.hash).toBe("#f");
      }),
      { numRuns: 500 },
    );
  });

  it("puts no raw CR/LF into Location", async () => {
    const link = await f.link({ url: "https://dest.example/crlf" });
    const res = await call("GET", `/${link.slug}?a=%0d%0aSet-Cookie:%20x=1`, human());
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("https://dest.example/crlf?a=%0d%0aSet-Cookie:%20x=1");
    expect(res.headers.get("set-cookie")).toBeNull();
  });
});

describe("arbitrary requests", () => {
  it("never get a 5xx, whatever the path, query, method or headers", async () => {
    const link = await f.link({ url: "https://dest.example/prop", maxClicks: 1000, fallbackUrl: "https://dest.example/fb" });
    // A limited link redirects humans only; a plain one redirects HEADs and bots too, so the runs reach 3xx.
    const plain = await f.link({ url: "https://dest.example/plain" });
    // The most routing the API allows, every condition reading the query: a long query costs it the most.
    const routed = await f.link({
      url: "https://dest.example/routed",
      rules: Array.from({ length: MAX_RULES }, (_, r) => ({
        url: `https://dest.example/rule-${r}`,
        conditions: Array.from({ length: MAX_CONDITIONS }, (_, i) =>
          i % 3 === 0 ? { type: "query-param", matchKey: `k${i}`, matchValue: `v${r}` }
          : i % 3 === 1 ? { type: "any-value-query-param", matchKey: `k${r}` } : { type: "valueless-query-param", matchKey: `flag${i}` }),
      })),
    });
    // Segments both percent-encoded and raw (the URL parser then escapes what it must); lone surrogates included.
    const wellFormed = (s: string) => s.replace(/[\uD800-\uDFFF]/g, "\uFFFD");
    const segment = fc.oneof(
      fc.string({ unit: "binary", maxLength: 80 }).map((s) => encodeURIComponent(wellFormed(s))),
      fc.string({ unit: "binary", maxLength: 80 }),
      fc.stringMatching(/^[A-Za-z0-9_-]{1,70}$/),
      fc.constantFrom(link.slug, plain.slug, routed.slug, routed.slug),
      fc.webSegment(),
    );
    // Queries of every length up to the URL limit: thousands of pairs, control characters in names and values.
    const control = fc.constantFrom("%0d%0a", "%00", "%01", "%1b[2J", "%7f", "\t", "%e2%80%ae", "=", "&", "%zz");
    const pair = fc.tuple(fc.stringMatching(/^k[0-9]{1,2}$|^flag[0-9]$/), fc.array(fc.oneof(fc.stringMatching(/^[a-z0-9]{0,4}$/), control), { maxLength: 3 }))
      .map(([k, v]) => `${k}=${v.join("")}`);
    const query = fc.oneof(
      { weight: 3, arbitrary: fc.string({ unit: "binary", maxLength: 100 }) },
      { weight: 1, arbitrary: fc.tuple(fc.array(pair, { maxLength: 20 }), fc.integer({ min: 0, max: 3000 }))
        .map(([pairs, n]) => [...pairs, ...Array.from({ length: n }, (_, i) => `k${i % 60}=v${i % 50}`)].join("&").slice(0, 15_000)) },
    );
    const seen = new Set<number>();
    await fc.assert(
      fc.asyncProperty(
        fc.array(segment, { minLength: 1, maxLength: 3 }),
        query,
        fc.constantFrom("GET", "HEAD", "POST"),
        fc.option(fc.string({ maxLength: 200 }), { nil: undefined }),
        fc.option(fc.string({ maxLength: 100 }), { nil: undefined }),
        async (segments, query, method, userAgent, body) => {
          const path = `/${segments.join("/")}${query ? `?${query}` : ""}`;
          const headers: Record<string, string> = {};
          if (userAgent !== undefined) headers["user-agent"] = userAgent.replace(/[\r\n\0]/g, "");
          if (method === "POST") headers["content-type"] = "application/x-www-form-urlencoded";
          const res = await call(method, path, { key: null, headers, raw: method === "POST" ? (body ?? "") : undefined });
          await res.arrayBuffer();
          seen.add(res.status);
          expect(res.status).toBeLessThan(500);
        },
      ),
      { numRuns: 150 },
    );
    // The runs reached real redirects, not only 404s.
    expect([...seen].some((s) => s >= 300 && s < 400)).toBe(true);
    expect(seen.has(404)).toBe(true);
  });
});
