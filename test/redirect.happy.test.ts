/** GET /{slug} redirecting as the link says: status, Location, query forwarding, click capture, limits, passwords. */
import { exports } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import { hashPassword } from "../functions/shared/password.ts";
import { redisKeys } from "../functions/shared/redis-keys.ts";
import { redis } from "./helpers/redis.ts";
import { BROWSER_UA, Fixtures, human, humanForm, visitor } from "./helpers/redirect.ts";
import { call } from "./helpers/worker.ts";

const f = new Fixtures();
afterEach(() => f.cleanup());

describe("GET /{slug}: redirects", () => {
  it("answers 302 with Location by default, uncacheable, noindex, through the real entrypoint", async () => {
    const link = await f.link({ url: "https://example.com/landing" });
    // Deliberately not the harness (helpers/worker.ts): this one request proves the real entrypoint.
    const res = await exports.default.fetch(`http://sho.rt/${link.slug}`, { headers: human().headers, redirect: "manual" });
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
    const res = await call("GET", `/${link.slug}`, human());
    expect(res.status).toBe(type);
    expect(res.headers.get("location")).toBe("https://example.com/t");
    expect(res.headers.get("cache-control")).toBe(cacheControl);
  });

  it("answers HEAD with the same status and Location, recorded as a preview", async () => {
    const link = await f.link({ url: "https://example.com/h", redirectType: 307 });
    const res = await call("HEAD", `/${link.slug}`, human());
    expect(res.status).toBe(307);
    expect(res.headers.get("location")).toBe("https://example.com/h");
    const events = await f.events(link.id);
    expect(events.map((e) => [e.kind, e.reason])).toEqual([["preview", "head"]]);
    expect(await redis.get(redisKeys.clickClaims(link.id))).toBeNull();
  });

  it("forwards the short URL's query; the destination's own parameters win on a clash", async () => {
    const link = await f.link({ url: "https://example.com/p?a=1&utm_source=owner#top" });
    const res = await call("GET", `/${link.slug}?utm_source=visitor&b=2&b=3&c=x%20y`, human());
    expect(res.headers.get("location")).toBe("https://example.com/p?a=1&utm_source=owner&b=2&b=3&c=x%20y#top");

    const plain = await f.link({ url: "https://example.com/q" });
    expect((await call("GET", `/${plain.slug}?utm_medium=social`, human())).headers.get("location")).toBe(
      "https://example.com/q?utm_medium=social",
    );
    // No query: the destination exactly as stored.
    const odd = await f.link({ url: "https://example.com/r?x=a+b&y=%7E" });
    expect((await call("GET", `/${odd.slug}`, human())).headers.get("location")).toBe("https://example.com/r?x=a+b&y=%7E");
  });
});

describe("click capture", () => {
  it("puts one complete event per redirect on the stream, after the response", async () => {
    const link = await f.link({ url: "https://example.com/e" });
    const before = Date.now();
    const res = await call("GET", `/${link.slug}?utm_campaign=spring`, human({ referer: "https://news.example/item", "x-forwarded-for": "203.0.113.9" }));
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
    // A click costs one XADD: no counter is bumped (the live figures read the stream).
    expect(await redis.get(redisKeys.clickClaims(link.id))).toBeNull();
  });

  it("gives the same visitor for the same IP and user agent, another for another IP", async () => {
    const link = await f.link({ url: "https://example.com/v" });
    await call("GET", `/${link.slug}`, human({ "cf-connecting-ip": "198.51.100.1" }));
    await call("GET", `/${link.slug}`, human({ "cf-connecting-ip": "198.51.100.1" }));
    await call("GET", `/${link.slug}`, human({ "cf-connecting-ip": "198.51.100.2" }));
    const [a, b, c] = (await f.events(link.id)).map((e) => e.visitor);
    expect(a).toBe(b);
    expect(c).not.toBe(a);
  });

  it("classifies bots, preview fetchers and prefetches, and counts only humans as human clicks", async () => {
    const link = await f.link({ url: "https://example.com/k" });
    await call("GET", `/${link.slug}`, visitor({ "user-agent": "curl/8.5.0" }));
    await call("GET", `/${link.slug}`, visitor({ "user-agent": "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)" }));
    await call("GET", `/${link.slug}`, human({ "sec-purpose": "prefetch;prerender" }));
    await call("GET", `/${link.slug}`, human());
    expect((await f.events(link.id)).map((e) => [e.kind, e.reason])).toEqual([
      ["bot", "isbot"],
      ["preview", "preview-fetcher"],
      ["preview", "prefetch"],
      ["human", null],
    ]);
    expect(await redis.get(redisKeys.clickClaims(link.id))).toBeNull();
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
    const res = await call("GET", `/${link.slug}?ref=tw`, human());
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("https://example.com/sale-over?ref=tw");
    expect(res.headers.get("cache-control")).toBe("private, no-store");
    expect((await f.events(link.id)).map((e) => e.dest)).toEqual(["https://example.com/sale-over?ref=tw"]);
  });

  it("serves a link whose expiry is in the future", async () => {
    const link = await f.link({ url: "https://example.com/live", expiresAt: new Date(Date.now() + 3_600_000) });
    expect((await call("GET", `/${link.slug}`, human())).status).toBe(302);
  });

  it("sends a link past maxClicks to its fallback, its claim counter at the limit (the fallback claims nothing)", async () => {
    const link = await f.link({ url: "https://example.com/ticket", maxClicks: 1, fallbackUrl: "https://example.com/sold-out" });
    expect((await call("GET", `/${link.slug}`, human())).headers.get("location")).toBe("https://example.com/ticket");
    expect((await call("GET", `/${link.slug}`, human())).headers.get("location")).toBe("https://example.com/sold-out");
    expect((await f.events(link.id)).map((e) => e.dest)).toEqual(["https://example.com/ticket", "https://example.com/sold-out"]);
    expect(await redis.get(redisKeys.clickClaims(link.id))).toBe(1);
  });
});

describe("password-protected links", () => {
  it("answers a form without the destination, then redirects with 303 on the right password", async () => {
    const link = await f.link({ url: "https://example.com/private-doc-7f3a", passwordHash: await hashPassword("open sesame"), redirectType: 308 });
    const form = await call("GET", `/${link.slug}?utm_source=mail`, human());
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

    const res = await call("POST", `/${link.slug}?utm_source=mail`, humanForm(new URLSearchParams({ password: "open sesame" })));
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("https://example.com/private-doc-7f3a?utm_source=mail");
    expect((await f.events(link.id)).map((e) => e.kind)).toEqual(["human"]);
  });

  it("redirects a POST to a link without a password (e.g. removed while the form was open)", async () => {
    const link = await f.link({ url: "https://example.com/open" });
    const res = await call("POST", `/${link.slug}`, humanForm("password=whatever"));
    expect([res.status, res.headers.get("location")]).toEqual([303, "https://example.com/open"]);
  });
});

describe("routing", () => {
  it("leaves fixed routes to their owners and documents /{slug}", async () => {
    expect((await call("GET", "/healthz", { key: null })).status).toBe(200);
    const doc = (await (await call("GET", "/openapi.json", { key: null })).json()) as { paths: Record<string, Record<string, unknown>> };
    expect(Object.keys(doc.paths["/{slug}"]).sort()).toEqual(["get", "post"]);
  });
});
