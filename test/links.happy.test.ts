/** Reading, listing, changing and deleting links as the contract says, against the real Redis and Postgres. */
import { describe, expect, it } from "vitest";
import { redisKeys } from "../functions/shared/redis-keys.ts";
import { verifyPassword } from "../functions/shared/password.ts";
import { createLink, inAnHour } from "./helpers/api.ts";
import { makeClick, xaddBatch } from "./helpers/clicks.ts";
import { withDb } from "./helpers/db.ts";
import { flush } from "./helpers/ingest.ts";
import { redis } from "./helpers/redis.ts";
import { human } from "./helpers/redirect.ts";
import { rollUpClicks } from "./helpers/rollups.ts";
import { uniqueSlug } from "./helpers/unique.ts";
import { call } from "./helpers/worker.ts";

/**
 * Gives the link `ingested` human clicks in the rollups (three days ago, out of the last day's top links that
 * the browser tests look at) and `waiting` human clicks (plus a bot's) in the click stream, as served but not
 * yet ingested; the stream is drained first so the live read sees them.
 */
async function clicked(link: { id: string; slug: string }, ingested: number, waiting: number) {
  await flush();
  await withDb((db) => rollUpClicks(db, Array.from({ length: ingested }, (_, i) => ({ linkId: link.id, ts: new Date(Date.now() - 3 * 86_400_000), visitor: `v${i}` }))));
  const events = Array.from({ length: waiting }, () => makeClick({ linkId: link.id, slug: link.slug }));
  const entry = await xaddBatch(redis, [...events, makeClick({ linkId: link.id, slug: link.slug, kind: "bot" })]);
  return () => redis.xdel(redisKeys.clickStream, [entry]);
}

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

describe("GET /api/v1/links/{slug}", () => {
  it("answers the link with its live human-click count: ingested plus waiting in the stream", async () => {
    const link = await createLink({ url: "https://example.com/counted" });
    const done = await clicked(link, 40, 2);
    const res = await call("GET", `/api/v1/links/${link.slug}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ...link, clicks: 42 });
    await done();
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
    const done = await clicked(a, 4, 3);
    const page = await list(`tag=${tag}`);
    expect(page).toEqual({ data: [{ ...a, clicks: 7 }], nextCursor: null });
    await done();
  });
});

describe("PATCH /api/v1/links/{slug}", () => {
  it("changes what is sent, clears what is null, and writes the new link through to Redis", async () => {
    const link = await createLink({
      url: "https://example.com/old", title: "Old", tags: ["x"], expiresAt: inAnHour(), maxClicks: 5,
      fallbackUrl: "https://example.com/fb", password: "pw", redirectType: 301,
    });
    const done = await clicked(link, 1, 1);
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
    await done();
  });

  it("counts the clicks a link already has against a limit set later: maxClicks 4 after 3 human clicks leaves one", async () => {
    const link = await createLink({ url: "https://example.com/limited-later" });
    const done = await clicked(link, 2, 1);
    expect((await call("PATCH", `/api/v1/links/${link.slug}`, { body: { maxClicks: 4 } })).status).toBe(200);
    expect((await call("GET", `/${link.slug}`, human())).status).toBe(302);
    expect((await call("GET", `/${link.slug}`, human())).status).toBe(410);
    // Removing the limit drops its counter; a new limit starts from the clicks served by then.
    expect((await call("PATCH", `/api/v1/links/${link.slug}`, { body: { maxClicks: null } })).status).toBe(200);
    expect(await redis.get(redisKeys.clickClaims(link.id))).toBeNull();
    await done();
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
