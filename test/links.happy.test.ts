/** The links API doing what the contract says, against the real Redis and Postgres. */
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { links } from "../db/schema.ts";
import { insertDrafts } from "../functions/api/links/create-links.ts";
import { redisKeys } from "../functions/shared/redis-keys.ts";
import { verifyPassword } from "../functions/shared/password.ts";
import { call, config, createLink, inAnHour, redis, uniqueSlug, withDb } from "./api.ts";
import { MISSING } from "../functions/redirect/link-cache/index.ts";


const linkKeys = [
  "id", "slug", "shortUrl", "url", "redirectType", "title", "tags", "expiresAt", "maxClicks", "fallbackUrl",
  "hasPassword", "clicks", "createdAt", "updatedAt",
];

async function list(query: string): Promise<{ data: any[]; nextCursor: string | null }> {
  const res = await call("GET", `/api/v1/links?${query}`);
  expect(res.status).toBe(200);
  return res.json();
}

/** Every link of a filtered list, following nextCursor page by page. */
async function listAll(query: string, limit: number): Promise<any[]> {
  const out: any[] = [];
  let cursor: string | null = null;
  do {
    const page = await list(`${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ""}`);
    expect(page.data.length).toBeLessThanOrEqual(limit);
    out.push(...page.data);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

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
      expiresAt: null,
      maxClicks: null,
      fallbackUrl: null,
      hasPassword: false,
      clicks: 0,
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
    const { default: worker } = await import("../workers/index.ts");
    const { PUBLIC_BASE_URL: _omit, ...rest } = env as unknown as Record<string, unknown>;
    const waits: Promise<unknown>[] = [];
    const ctx = { waitUntil: (p: Promise<unknown>) => waits.push(p), passThroughOnException() {}, props: {} };
    const res = await worker.fetch(
      new Request("https://eat.example/api/v1/links", {
        method: "POST",
        headers: { authorization: `Bearer ${config.ADMIN_API_KEY}`, "content-type": "application/json" },
        body: JSON.stringify({ url: "https://example.com/origin" }),
      }),
      rest,
      ctx as unknown as ExecutionContext,
    );
    await Promise.all(waits);
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

describe("GET /api/v1/links/{slug}", () => {
  it("answers the link with its live human-click count from Redis", async () => {
    const link = await createLink({ url: "https://example.com/counted" });
    await redis.set(redisKeys.humanClicks(link.id), 42);
    const res = await call("GET", `/api/v1/links/${link.slug}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ...link, clicks: 42 });
  });
});

describe("GET /api/v1/links", () => {
  it("pages newest first through every link, without gaps or repeats, also when created_at ties", async () => {
    const tag = uniqueSlug("page");
    // One bulk insert gives every row the same created_at: the id must break the tie.
    const bulk = await call("POST", "/api/v1/links/bulk", {
      body: { links: Array.from({ length: 5 }, (_, i) => ({ url: `https://example.com/b${i}`, tags: [tag] })) },
    });
    expect(bulk.status).toBe(200);
    const single = [];
    for (let i = 0; i < 3; i++) single.push(await createLink({ url: `https://example.com/s${i}`, tags: [tag] }));
    const all = await listAll(`tag=${tag}`, 2);
    expect(all).toHaveLength(8);
    expect(new Set(all.map((l) => l.id)).size).toBe(8);
    expect(all.slice(0, 3).map((l) => l.id)).toEqual(single.reverse().map((l) => l.id));
    const order = all.map((l) => [l.createdAt, l.id] as const);
    for (let i = 1; i < order.length; i++) {
      const [t0, id0] = order[i - 1];
      const [t1, id1] = order[i];
      expect(t0 > t1 || (t0 === t1 && id0 > id1)).toBe(true);
    }
    expect((await list(`tag=${tag}&limit=8`)).nextCursor).toBeNull();
  });

  it("searches slug, URL and title case-insensitively, with % and _ taken literally", async () => {
    const marker = uniqueSlug("Srch").replace(/-/g, "");
    const bySlug = await createLink({ url: "https://example.com/1", slug: `${marker}-slug` });
    const byUrl = await createLink({ url: `https://example.com/${marker.toUpperCase()}` });
    const byTitle = await createLink({ url: "https://example.com/3", title: `About ${marker.toLowerCase()} 100%_off` });
    const found = await listAll(`q=${marker.toLowerCase()}`, 50);
    expect(found.map((l) => l.id).sort()).toEqual([bySlug.id, byUrl.id, byTitle.id].sort());
    const literal = await listAll(`q=${encodeURIComponent(`${marker.toLowerCase()} 100%_`)}`, 50);
    expect(literal.map((l) => l.id)).toEqual([byTitle.id]);
    expect(await listAll(`q=${encodeURIComponent(`${marker}%x`)}`, 50)).toEqual([]);
  });

  it("filters by tag and reads click counts for the page in one go", async () => {
    const tag = uniqueSlug("tag");
    const a = await createLink({ url: "https://example.com/a", tags: [tag, "other"] });
    await createLink({ url: "https://example.com/b", tags: ["other"] });
    await redis.set(redisKeys.humanClicks(a.id), 7);
    const page = await list(`tag=${tag}`);
    expect(page).toEqual({ data: [{ ...a, clicks: 7 }], nextCursor: null });
  });
});

describe("PATCH /api/v1/links/{slug}", () => {
  it("changes what is sent, clears what is null, and writes the new link through to Redis", async () => {
    const link = await createLink({
      url: "https://example.com/old", title: "Old", tags: ["x"], expiresAt: inAnHour(), maxClicks: 5,
      fallbackUrl: "https://example.com/fb", password: "pw", redirectType: 301,
    });
    await redis.set(redisKeys.humanClicks(link.id), 2);
    const res = await call("PATCH", `/api/v1/links/${link.slug}`, {
      body: { url: "https://example.com/new", title: null, tags: null, expiresAt: null, maxClicks: null, fallbackUrl: null, password: null, redirectType: null },
    });
    expect(res.status).toBe(200);
    const patched = (await res.json()) as any;
    expect(patched).toMatchObject({
      id: link.id, slug: link.slug, url: "https://example.com/new", title: null, tags: [], expiresAt: null,
      maxClicks: null, fallbackUrl: null, hasPassword: false, redirectType: 302, clicks: 2, createdAt: link.createdAt,
    });
    expect(patched.updatedAt > link.updatedAt).toBe(true);
    expect(await redis.get(redisKeys.link(link.slug))).toMatchObject({
      url: "https://example.com/new", redirectType: 302, expiresAt: null, maxClicks: null, fallbackUrl: null, passwordHash: null,
    });
    expect(await (await call("GET", `/api/v1/links/${link.slug}`)).json()).toEqual(patched);
  });

  it("sets a password and limits, leaving absent fields alone", async () => {
    const link = await createLink({ url: "https://example.com/keep", title: "Keep me" });
    const expiresAt = inAnHour();
    const patched = (await (await call("PATCH", `/api/v1/links/${link.slug}`, {
      body: { password: "open sesame", maxClicks: 3, expiresAt },
    })).json()) as any;
    expect(patched).toMatchObject({ title: "Keep me", url: link.url, hasPassword: true, maxClicks: 3, expiresAt });
    const cached = (await redis.get(redisKeys.link(link.slug))) as any;
    expect(await verifyPassword("open sesame", cached.passwordHash)).toBe(true);
    expect(cached.expiresAt).toBe(Date.parse(expiresAt));
  });

  it("moves a link to a new slug: the new key is cached, the old one is gone", async () => {
    const link = await createLink({ url: "https://example.com/moving" });
    const to = uniqueSlug("moved");
    const res = await call("PATCH", `/api/v1/links/${link.slug}`, { body: { slug: to } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as any).shortUrl).toBe(`http://sho.rt/${to}`);
    expect(await redis.get(redisKeys.link(link.slug))).toMatchObject({ missing: true, tombstone: true, id: link.id });
    expect(await redis.get(redisKeys.link(to))).toMatchObject({ id: link.id, slug: to });
    expect((await call("GET", `/api/v1/links/${link.slug}`)).status).toBe(404);
    expect((await call("GET", `/api/v1/links/${to}`)).status).toBe(200);
  });

  it("answers an empty patch with the link unchanged", async () => {
    const link = await createLink({ url: "https://example.com/same" });
    const res = await call("PATCH", `/api/v1/links/${link.slug}`, { body: {} });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(link);
  });
});

describe("DELETE /api/v1/links/{slug}", () => {
  it("deletes the link and its cache entry", async () => {
    const tag = uniqueSlug("del");
    const link = await createLink({ url: "https://example.com/bye", tags: [tag] });
    expect(await redis.get(redisKeys.link(link.slug))).not.toBeNull();
    const res = await call("DELETE", `/api/v1/links/${link.slug}`);
    expect(res.status).toBe(204);
    expect(await res.text()).toBe("");
    expect(await redis.get(redisKeys.link(link.slug))).toMatchObject({ missing: true, tombstone: true, id: link.id });
    expect((await call("GET", `/api/v1/links/${link.slug}`)).status).toBe(404);
    expect((await list(`tag=${tag}`)).data).toEqual([]);
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
