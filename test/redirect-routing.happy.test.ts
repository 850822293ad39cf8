/**
 * Routing rules and A/B variants through the real redirect (docs/routing.md): every condition type, from
 * headers, the query and `request.cf`; rule order; all conditions of a rule required; the order password ->
 * expiry/limit -> rules -> variants -> url; variants sticky per visitor and split by weight; what the click
 * event records; query forwarding onto the chosen URL; cache entries from before routing.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import type { Rule, Variant } from "../functions/api/links/routing-schemas.ts";
import { toStoredRules, toStoredVariants } from "../functions/api/links/routing-schemas.ts";
import { variantBucket } from "../functions/redirect/routing/choose.ts";
import { hashPassword } from "../functions/shared/password.ts";
import { redisKeys } from "../functions/shared/redis-keys.ts";
import worker from "../workers/index.ts";
import { UA } from "./helpers/clicks.ts";
import { bindings } from "./helpers/env.ts";
import { redis } from "./helpers/redis.ts";
import { BROWSER_UA, Fixtures, humanForm } from "./helpers/redirect.ts";
import { BASE, call } from "./helpers/worker.ts";

const f = new Fixtures();
afterEach(() => f.cleanup());

interface VisitOpts {
  ua?: string;
  lang?: string;
  ip?: string;
  cf?: Record<string, unknown>;
  query?: string;
  method?: string;
}

/** One visit of /{slug}, `cf` set on the request as Cloudflare sets it (the test harness's call() cannot). */
async function visit(slug: string, o: VisitOpts = {}): Promise<Response> {
  const headers: Record<string, string> = { "user-agent": o.ua ?? BROWSER_UA, "cf-connecting-ip": o.ip ?? "198.51.100.20" };
  if (o.lang) headers["accept-language"] = o.lang;
  const request = new Request(`${BASE}/${slug}${o.query ? `?${o.query}` : ""}`, {
    method: o.method ?? "GET",
    headers,
    ...(o.cf ? { cf: o.cf } : {}),
  }) as Parameters<typeof worker.fetch>[0];
  const ctx = createExecutionContext();
  const res = await worker.fetch(request, bindings, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

const where = async (slug: string, o?: VisitOpts) => (await visit(slug, o)).headers.get("location");

/** A link stored the way the links API stores one (toStoredRules, toStoredVariants). */
const routed = (url: string, rules: Rule[], variants?: Variant[], more: Record<string, unknown> = {}) =>
  f.link({ url, rules: toStoredRules(rules), variants: variants ? toStoredVariants(variants) : null, ...more });

const MATCH = "https://example.com/match";
const DEFAULT = "https://example.com/default";

type Case = [string, Rule["conditions"][number], VisitOpts, VisitOpts];
const cases: Case[] = [
  ["device ios", { type: "device", matchValue: "ios" }, { ua: UA.safariIphone }, { ua: BROWSER_UA }],
  ["device desktop", { type: "device", matchValue: "desktop" }, { ua: UA.chromeWindows }, { ua: UA.safariIphone }],
  ["device mobile", { type: "device", matchValue: "mobile" }, { ua: UA.safariIphone }, { ua: UA.firefoxLinux }],
  ["browser firefox", { type: "browser", matchValue: "firefox" }, { ua: UA.firefoxLinux }, { ua: UA.chromeWindows }],
  ["language de", { type: "language", matchValue: "de" }, { lang: "fr;q=0.8, de-DE;q=0.5" }, { lang: "en-US, de;q=0" }],
  ["query-param", { type: "query-param", matchKey: "ref", matchValue: "beta" }, { query: "ref=beta&utm_source=x" }, { query: "ref=alpha" }],
  ["any-value-query-param", { type: "any-value-query-param", matchKey: "ref" }, { query: "ref=anything" }, { query: "other=1" }],
  ["valueless-query-param", { type: "valueless-query-param", matchKey: "debug" }, { query: "debug" }, { query: "debug=1" }],
  ["ip-address CIDR", { type: "ip-address", matchValue: "203.0.113.0/24" }, { ip: "203.0.113.9" }, { ip: "203.0.114.9" }],
  ["ip-address wildcard", { type: "ip-address", matchValue: "192.168.*.*" }, { ip: "192.168.40.2" }, { ip: "192.169.0.1" }],
  ["ip-address IPv6", { type: "ip-address", matchValue: "2001:db8::/32" }, { ip: "2001:db8::7" }, { ip: "2001:db9::7" }],
  ["country", { type: "geolocation-country-code", matchValue: "DE" }, { cf: { country: "DE" } }, { cf: { country: "FR" } }],
  ["country, no geo", { type: "geolocation-country-code", matchValue: "de" }, { cf: { country: "DE" } }, {}],
  ["city", { type: "geolocation-city-name", matchValue: "berlin" }, { cf: { city: "Berlin", country: "DE" } }, { cf: { city: "Bern" } }],
];

describe("rules on the redirect", () => {
  it.each(cases)("%s: a matching visit gets the rule's URL (query forwarded), another the link's url", async (_, condition, match, miss) => {
    const link = await routed(DEFAULT, [{ url: MATCH, conditions: [condition] }]);
    expect(await where(link.slug, match)).toBe(match.query ? `${MATCH}?${match.query}` : MATCH);
    expect(await where(link.slug, miss)).toBe(miss.query ? `${DEFAULT}?${miss.query}` : DEFAULT);
  });

  it("before-date and after-date compare the visit's time; all conditions of a rule must match", async () => {
    const link = await routed(DEFAULT, [
      { url: "https://example.com/past", conditions: [{ type: "before-date", matchValue: "2001-01-01T00:00:00Z" }] },
      { url: "https://example.com/future", conditions: [{ type: "after-date", matchValue: "2999-01-01T00:00:00+02:00" }] },
      // One condition matches, one does not: not taken.
      {
        url: "https://example.com/half",
        conditions: [{ type: "after-date", matchValue: "2001-01-01T00:00:00Z" }, { type: "device", matchValue: "android" }],
      },
      {
        url: "https://example.com/now",
        conditions: [{ type: "after-date", matchValue: "2001-01-01T00:00:00Z" }, { type: "before-date", matchValue: "2999-01-01T00:00:00Z" }],
      },
    ]);
    expect(await where(link.slug)).toBe("https://example.com/now");
  });

  it("serves the first rule whose conditions all match, in order", async () => {
    const link = await routed(DEFAULT, [
      { url: "https://example.com/iphone-de", conditions: [{ type: "device", matchValue: "ios" }, { type: "language", matchValue: "de" }] },
      { url: "https://example.com/iphone", conditions: [{ type: "device", matchValue: "ios" }] },
      { url: "https://example.com/safari", conditions: [{ type: "browser", matchValue: "safari" }] },
    ]);
    expect(await where(link.slug, { ua: UA.safariIphone, lang: "de" })).toBe("https://example.com/iphone-de");
    expect(await where(link.slug, { ua: UA.safariIphone, lang: "en" })).toBe("https://example.com/iphone");
    expect(await where(link.slug, { ua: BROWSER_UA })).toBe(DEFAULT);
  });

  it("records the rule and the URL chosen (before forwarding) in the click event, and the served URL in dest", async () => {
    const link = await routed(DEFAULT, [
      { url: "https://example.com/never", conditions: [{ type: "device", matchValue: "android" }] },
      { url: "https://example.com/ios?from=rule", conditions: [{ type: "device", matchValue: "ios" }] },
    ]);
    await visit(link.slug, { ua: UA.safariIphone, query: "utm_source=nl" });
    await visit(link.slug, { ua: BROWSER_UA });
    await expect.poll(() => f.events(link.id)).toHaveLength(2);
    expect((await f.events(link.id)).map((e) => [e.chosenBy, e.chosenUrl, e.dest])).toEqual([
      ["rule:1", "https://example.com/ios?from=rule", "https://example.com/ios?from=rule&utm_source=nl"],
      ["url", DEFAULT, DEFAULT],
    ]);
  });

  it("uses the link's redirect type for a rule's URL", async () => {
    const link = await routed(DEFAULT, [{ url: MATCH, conditions: [{ type: "device", matchValue: "ios" }] }], undefined, { redirectType: 307 });
    const res = await visit(link.slug, { ua: UA.safariIphone });
    expect([res.status, res.headers.get("location")]).toEqual([307, MATCH]);
  });
});

describe("the order: password, expiry and limit, rules, variants, url", () => {
  const iosRule: Rule[] = [{ url: MATCH, conditions: [{ type: "device", matchValue: "ios" }] }];

  it("asks a password link's password before anything, then routes", async () => {
    const link = await routed(DEFAULT, iosRule, undefined, { passwordHash: await hashPassword("pw") });
    const form = await visit(link.slug, { ua: UA.safariIphone });
    expect([form.status, form.headers.get("location")]).toEqual([200, null]);
    const res = await call("POST", `/${link.slug}`, humanForm("password=pw", { "user-agent": UA.safariIphone }));
    expect([res.status, res.headers.get("location")]).toEqual([303, MATCH]);
  });

  it("sends an expired link to its fallback whatever its rules, recording no rule", async () => {
    const link = await routed(DEFAULT, iosRule, undefined, {
      expiresAt: new Date(Date.now() - 60_000), fallbackUrl: "https://example.com/fallback",
    });
    expect(await where(link.slug, { ua: UA.safariIphone, query: "a=1" })).toBe("https://example.com/fallback?a=1");
    await expect.poll(() => f.events(link.id)).toHaveLength(1);
    const [e] = await f.events(link.id);
    expect([e.chosenBy, e.chosenUrl, e.dest]).toEqual([null, "https://example.com/fallback", "https://example.com/fallback?a=1"]);
  });

  it("withholds a limited link's destination from HEAD (no rule, no URL recorded), and routes a human", async () => {
    const link = await routed(DEFAULT, iosRule, [{ url: "https://example.com/a", weight: 50 }, { url: "https://example.com/b", weight: 50 }], { maxClicks: 5 });
    const head = await visit(link.slug, { ua: UA.safariIphone, method: "HEAD" });
    expect(head.headers.get("location")).toBeNull();
    expect(await where(link.slug, { ua: UA.safariIphone })).toBe(MATCH);
    await expect.poll(() => f.events(link.id)).toHaveLength(2);
    expect((await f.events(link.id)).map((e) => [e.kind, e.chosenBy, e.chosenUrl])).toEqual([
      ["preview", null, null],
      ["human", "rule:0", MATCH],
    ]);
  });

  it("after the limit, the fallback, not a rule", async () => {
    const link = await routed(DEFAULT, iosRule, undefined, { maxClicks: 1, fallbackUrl: "https://example.com/over" });
    expect(await where(link.slug, { ua: UA.safariIphone })).toBe(MATCH);
    expect(await where(link.slug, { ua: UA.safariIphone })).toBe("https://example.com/over");
    await redis.del(redisKeys.clickClaims(link.id));
  });
});

describe("variants on the redirect", () => {
  const variants: Variant[] = [{ url: "https://example.com/a", weight: 70 }, { url: "https://example.com/b", weight: 30 }];

  it("take the visits no rule took, sticky per visitor, as the engine's bucket says, split by weight", async () => {
    const link = await routed(DEFAULT, [{ url: MATCH, conditions: [{ type: "device", matchValue: "ios" }] }], variants);
    expect(await where(link.slug, { ua: UA.safariIphone })).toBe(MATCH);
    const day = Math.floor(Date.now() / 86_400_000);
    const counts = { a: 0, b: 0 };
    const VISITORS = 300;
    for (let i = 0; i < VISITORS; i++) {
      const ip = `10.${i >> 8}.${i & 255}.7`;
      const first = await where(link.slug, { ip, query: "x=1" });
      expect(await where(link.slug, { ip, query: "x=1" }), "a reload keeps the variant").toBe(first);
      const expected = variantBucket(link.id, day, `${ip}\n${BROWSER_UA}`, 100) < 70 ? "a" : "b";
      expect(first).toBe(`https://example.com/${expected}?x=1`);
      counts[expected]++;
    }
    // The engine's unit tests hold the split to ±2 points over 10,000 visitors; 300 give a rougher bound.
    expect(Math.abs((counts.a / VISITORS) * 100 - 70)).toBeLessThan(10);
  }, 60_000);

  it("record which variant served the click, by its index, and its URL", async () => {
    const link = await routed(DEFAULT, [], variants);
    const ips = ["10.9.0.1", "10.9.0.2", "10.9.0.3", "10.9.0.4", "10.9.0.5", "10.9.0.6"];
    const served = [];
    for (const ip of ips) served.push(await where(link.slug, { ip }));
    await expect.poll(() => f.events(link.id)).toHaveLength(ips.length);
    const events = await f.events(link.id);
    expect(events.map((e) => e.chosenUrl)).toEqual(served);
    expect(events.map((e) => e.chosenBy)).toEqual(served.map((u) => (u === "https://example.com/a" ? "variant:0" : "variant:1")));
  });
});

describe("cache entries and changes", () => {
  it("serves a Redis entry written before routing existed (no rules, no variants) as an ordinary link", async () => {
    const link = await f.link({ url: DEFAULT });
    const { rules: _r, variants: _v, ...old } = {
      id: link.id, slug: link.slug, url: link.url, redirectType: 302, expiresAt: null, maxClicks: null, fallbackUrl: null,
      passwordHash: null, version: link.version, updatedAt: link.updatedAt.getTime(), rules: undefined, variants: undefined,
    };
    await redis.set(redisKeys.link(link.slug), JSON.stringify(old));
    expect(await where(link.slug, { ua: UA.safariIphone })).toBe(DEFAULT);
  });

  it("a PATCH of the rules is followed by the next redirect", async () => {
    const res = await call("POST", "/api/v1/links", { body: { url: DEFAULT, slug: f.slug() } });
    const link = (await res.json()) as { id: string; slug: string };
    f.rows.push({ id: link.id } as never);
    expect(await where(link.slug, { ua: UA.safariIphone })).toBe(DEFAULT);
    const patched = await call("PATCH", `/api/v1/links/${link.slug}`, {
      body: { rules: [{ url: MATCH, conditions: [{ type: "device", matchValue: "ios" }] }] },
    });
    expect(patched.status, await patched.clone().text()).toBe(200);
    expect(await where(link.slug, { ua: UA.safariIphone })).toBe(MATCH);
    expect((await call("PATCH", `/api/v1/links/${link.slug}`, { body: { rules: null } })).status).toBe(200);
    expect(await where(link.slug, { ua: UA.safariIphone })).toBe(DEFAULT);
  });
});
