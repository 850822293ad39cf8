/** Creating links, one at a time or in bulk, as the contract says, against the real Redis and Postgres. */
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { links } from "../db/schema.ts";
import { insertDrafts } from "../functions/api/links/create-links.ts";
import { MISSING } from "../functions/redirect/link-cache/entry.ts";
import { verifyPassword } from "../functions/shared/password.ts";
import { redisKeys } from "../functions/shared/redis-keys.ts";
import { createLink, inAnHour } from "./helpers/api.ts";
import { withDb } from "./helpers/db.ts";
import { redis } from "./helpers/redis.ts";
import { uniqueSlug } from "./helpers/unique.ts";
import { call } from "./helpers/worker.ts";

const linkKeys = [
  "domain",
  "id", "slug", "shortUrl", "url", "redirectType", "title", "tags", "validSince", "expiresAt", "maxClicks", "fallbackUrl",
  "forwardQuery", "crawlable",
  "hasPassword", "rules", "variants", "preview", "health", "disabled", "disabledReason", "disabledAt", "warning",
  "clicks", "createdBy", "createdAt", "updatedAt",
];


describe("POST /api/v1/links", () => {
  it("shortens a URL under a random 7-character base62 slug, with the documented defaults", async () => {
    const res = await call("POST", "/api/v1/links", { body: { url: "https://example.com/a?b=c" } });
    expect(res.status).toBe(201);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    const link = (await res.json()) as any;
    expect(Object.keys(link).sort()).toEqual([...linkKeys].sort());
    expect(link.slug).toMatch(/^[0-9A-Za-z]{7}$/);
    expect(res.headers.get("location")).toBe(`/api/v1/links/${link.slug}`);
    expect(link).toMatchObject({
      shortUrl: `http://sho.rt/${link.slug}`,
      url: "https://example.com/a?b=c",
      redirectType: 302,
      title: null,
      tags: [],
      validSince: null,
      expiresAt: null,
      maxClicks: null,
      fallbackUrl: null,
      forwardQuery: true,
      crawlable: false,
      hasPassword: false,
      rules: [],
      variants: null,
      preview: null,
      clicks: 0,
      createdBy: null,
    });
    expect(new Date(link.createdAt).toISOString()).toBe(link.createdAt);
    expect(link.updatedAt).toBe(link.createdAt);
  });

  it("takes every field, normalizes URLs, dedupes tags, and stores the password only as a hash", async () => {
    const slug = uniqueSlug("Full");
    const expiresAt = inAnHour();
    const link = await createLink({
      url: "https://EXAMPLE.com/ü path",
      slug,
      redirectType: 308,
      title: "Launch",
      tags: ["news", " news ", "promo"],
      expiresAt,
      maxClicks: 10,
      fallbackUrl: "http://example.org/over",
      password: "s3cret",
    });
    expect(link).toMatchObject({
      slug,
      url: "https://example.com/%C3%BC%20path",
      redirectType: 308,
      title: "Launch",
      tags: ["news", "promo"],
      expiresAt: new Date(expiresAt).toISOString(),
      maxClicks: 10,
      fallbackUrl: "http://example.org/over",
      hasPassword: true,
    });
    expect(JSON.stringify(link)).not.toContain("s3cret");
    const [row] = await withDb((db) => db.select().from(links).where(eq(links.slug, slug)));
    expect(row.passwordHash).toMatch(/^pbkdf2-sha256\$/);
    expect(await verifyPassword("s3cret", row.passwordHash!)).toBe(true);
    expect(row.createdBy).toBeNull(); // made with the bootstrap admin key
  });

  it("writes the link through to Redis, replacing a negative 'missing' marker", async () => {
    const slug = uniqueSlug();
    // A visit before the link exists leaves the redirect's negative marker in Redis.
    expect((await call("GET", `/${slug}`, { key: null })).status).toBe(404);
    expect(await redis.get(redisKeys.link(slug))).toEqual(MISSING);
    const link = await createLink({ url: "https://example.com/cached", slug, maxClicks: 3 });
    expect(await redis.get(redisKeys.link(slug))).toEqual({
      id: link.id,
      slug,
      domain: null,
      url: "https://example.com/cached",
      redirectType: 302,
      expiresAt: null,
      maxClicks: 3,
      fallbackUrl: null,
      passwordHash: null,
      version: 1,
      updatedAt: Date.parse(link.updatedAt),
    });
    const ttl = await redis.ttl(redisKeys.link(slug));
    expect(ttl).toBeGreaterThan(6 * 24 * 3600);
  });

  it("treats slugs as case-sensitive", async () => {
    const base = uniqueSlug("case");
    const lower = await createLink({ url: "https://example.com/lower", slug: base.toLowerCase() });
    const upper = await createLink({ url: "https://example.com/upper", slug: base.toUpperCase() });
    expect(lower.id).not.toBe(upper.id);
    const got = (await (await call("GET", `/api/v1/links/${base.toUpperCase()}`)).json()) as any;
    expect(got.url).toBe("https://example.com/upper");
  });

  it("names the short URL after the request origin when PUBLIC_BASE_URL is not set", async () => {
    const res = await call("POST", "https://eat.example/api/v1/links", {
      body: { url: "https://example.com/origin" },
      settings: { PUBLIC_BASE_URL: undefined },
    });
    expect(res.status).toBe(201);
    const link = (await res.json()) as any;
    expect(link.shortUrl).toBe(`https://eat.example/${link.slug}`);
  });
});

describe("random slugs", () => {
  it("retries a random slug that collides, but never changes a custom one", async () => {
    const taken = uniqueSlug("taken");
    await createLink({ url: "https://example.com/first", slug: taken });
    const fresh = uniqueSlug("fresh");
    const draft = (slug: string, custom: boolean) => ({ row: { id: crypto.randomUUID(), slug, url: "https://example.com/x" }, custom });
    const [retried, refused] = await withDb((db) => insertDrafts(db, [draft(taken, false), draft(taken, true)], () => fresh));
    expect(retried?.slug).toBe(fresh);
    expect(refused).toBeNull();
  });
});

describe("POST /api/v1/links/bulk", () => {
  it("answers one result per link, in order, each succeeding or failing alone", async () => {
    const taken = (await createLink({ url: "https://example.com/t" })).slug;
    const mine = uniqueSlug("bulk");
    const res = await call("POST", "/api/v1/links/bulk", {
      body: {
        links: [
          { url: "https://example.com/1" },
          { url: "ftp://example.com/2" },
          { url: "https://example.com/3", slug: mine },
          { url: "https://example.com/4", slug: mine },
          { url: "https://example.com/5", slug: taken },
          { url: "https://sho.rt/loop" },
          { url: "https://example.com/7", extra: true },
        ],
      },
    });
    expect(res.status).toBe(200);
    const { results } = (await res.json()) as { results: any[] };
    expect(results.map((r) => (r.ok ? 201 : r.error.status))).toEqual([201, 400, 201, 409, 409, 422, 400]);
    expect(results[1].error.errors).toEqual([{ path: "url", message: "must use http or https" }]);
    expect(results[6].error.errors).toEqual([{ path: "extra", message: "is not a known field" }]);
    expect(results[2].link.slug).toBe(mine);
    for (const r of results.filter((r) => r.ok)) {
      expect(await (await call("GET", `/api/v1/links/${r.link.slug}`)).json()).toEqual(r.link);
      expect(await redis.get(redisKeys.link(r.link.slug))).toMatchObject({ id: r.link.id });
    }
    // The taken slug still leads where it did.
    expect(((await (await call("GET", `/api/v1/links/${taken}`)).json()) as any).url).toBe("https://example.com/t");
  });

  it("creates a thousand links in one request", async () => {
    const tag = uniqueSlug("k");
    const body = { links: Array.from({ length: 1000 }, (_, i) => ({ url: `https://example.com/n/${i}`, tags: [tag] })) };
    const res = await call("POST", "/api/v1/links/bulk", { body });
    expect(res.status).toBe(200);
    const { results } = (await res.json()) as { results: any[] };
    expect(results).toHaveLength(1000);
    expect(results.every((r) => r.ok)).toBe(true);
    expect(results.map((r) => r.link.url)).toEqual(body.links.map((l) => l.url));
    expect(new Set(results.map((r) => r.link.slug)).size).toBe(1000);
    const cached = await redis.mget(...results.slice(0, 50).map((r) => redisKeys.link(r.link.slug)));
    expect(cached.every((c) => c !== null)).toBe(true);
  });
});
