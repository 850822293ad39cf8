/**
 * A link's preview card (docs/previews.md): link-preview fetchers get it with every value escaped, on the fast
 * path and in the app alike, recorded once as a preview; people (in-app browsers included) get the redirect;
 * the card travels through create, patch, bulk and the cache entry (only when set), and an export imported
 * into an empty domain exports again byte for byte.
 */
import { eq } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { links } from "../db/schema.ts";
import { toStoredPreview } from "../functions/api/links/preview-schemas.ts";
import { appAnswer as viaApp, fastPathAnswer as fast } from "./helpers/answer-paths.ts";
import { redisKeys } from "../functions/shared/redis-keys.ts";
import { createLink } from "./helpers/api.ts";
import { withDb } from "./helpers/db.ts";
import { DomainFixtures } from "./helpers/domains.ts";
import { FETCHERS, PEOPLE } from "./helpers/preview-fetchers.ts";
import { redis } from "./helpers/redis.ts";
import { Fixtures, human } from "./helpers/redirect.ts";
import { BASE, call } from "./helpers/worker.ts";

const f = new Fixtures();
const domains = new DomainFixtures();
afterAll(async () => {
  await f.cleanup();
  await domains.cleanup();
});

const SLACK = FETCHERS[0].ua;
const CARD = {
  title: `Launch "day" & <night>`,
  description: "Tom's <b>notes</b>, 100% 'quoted'",
  image: "https://img.example/card.png?a=1&b=2",
};

const request = (path: string, ua: string, method = "GET") =>
  new Request(`${BASE}${path}`, { method, headers: { "user-agent": ua, "x-forwarded-for": "203.0.113.50" } });



/** The card's values as hono/html escapes them in an attribute. */
const escaped = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");

function expectCard(res: Response, body: string, slug: string, destination: string) {
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
  expect(res.headers.get("cache-control")).toBe("private, no-store");
  expect(res.headers.get("content-security-policy")).toMatch(/^default-src 'none'; img-src https:;/);
  expect(res.headers.get("x-robots-tag")).toBe("noindex");
  expect(res.headers.get("location")).toBeNull();
  const title = escaped(CARD.title), description = escaped(CARD.description), image = escaped(CARD.image);
  for (const tag of [
    `<title>${title}</title>`,
    `<meta property="og:type" content="website">`,
    `<meta property="og:url" content="${BASE}/${slug}">`,
    `<meta property="og:title" content="${title}">`,
    `<meta property="og:description" content="${description}">`,
    `<meta property="og:image" content="${image}">`,
    `<meta name="twitter:card" content="summary_large_image">`,
    `<meta name="twitter:title" content="${title}">`,
    `<meta name="twitter:description" content="${description}">`,
    `<meta name="twitter:image" content="${image}">`,
  ]) expect(body, tag).toContain(tag);
  expect(body).not.toContain(CARD.title); // only ever escaped
  expect(body).not.toContain(destination);
  expect(body).not.toContain(new URL(destination).hostname);
}

describe("a link with a preview card", () => {
  it("answers every fetcher with the card, escaped, in the app and on the fast path alike, and records each once", async () => {
    const destination = "https://dest.example/launch?ref=card";
    const link = await f.link({ url: destination, preview: toStoredPreview(CARD) });
    for (const { network, ua } of FETCHERS) {
      const app = await viaApp(request(`/${link.slug}`, ua));
      expectCard(app, await app.text(), link.slug, destination);
      // The first request filled this isolate's cache: the fast path answers the same.
      const quick = await fast(request(`/${link.slug}`, ua));
      expect(quick, network).not.toBeNull();
      const body = await quick!.text();
      expectCard(quick!, body, link.slug, destination);
      expect(Object.fromEntries(quick!.headers)).toEqual(Object.fromEntries(app.headers));
    }
    const events = await f.events(link.id);
    expect(events).toHaveLength(FETCHERS.length * 2);
    for (const e of events) expect([e.kind, e.reason, e.dest, e.chosenUrl, e.chosenBy]).toEqual(["preview", "preview-fetcher", null, null, null]);
  });

  it("answers a fetcher's HEAD with the card's status and headers and no body, recorded as the fetcher's", async () => {
    const link = await f.link({ url: "https://dest.example/head", preview: toStoredPreview(CARD) });
    const get = await viaApp(request(`/${link.slug}`, SLACK));
    await get.text();
    for (const res of [await viaApp(request(`/${link.slug}`, SLACK, "HEAD")), (await fast(request(`/${link.slug}`, SLACK, "HEAD")))!]) {
      expect(res.status).toBe(200);
      for (const h of ["content-type", "cache-control", "content-security-policy", "x-robots-tag", "referrer-policy", "x-content-type-options"]) {
        expect(res.headers.get(h), h).toBe(get.headers.get(h));
      }
      expect(await res.text()).toBe("");
    }
    expect((await f.events(link.id)).map((e) => e.reason)).toEqual(["preview-fetcher", "preview-fetcher", "preview-fetcher"]);
  });

  it("redirects people, in-app browsers included, exactly as it would without a card", async () => {
    const link = await f.link({ url: "https://dest.example/people", redirectType: 301, preview: toStoredPreview(CARD) });
    await call("GET", `/${link.slug}`, human()); // fills this isolate's cache
    for (const { who, ua } of PEOPLE) {
      for (const res of [await viaApp(request(`/${link.slug}?utm_medium=chat`, ua)), await fast(request(`/${link.slug}?utm_medium=chat`, ua))]) {
        expect(res, who).not.toBeNull();
        expect([res!.status, res!.headers.get("location")], who).toEqual([301, "https://dest.example/people?utm_medium=chat"]);
      }
    }
    const events = await f.events(link.id);
    expect(events.filter((e) => e.kind === "human")).toHaveLength(1 + PEOPLE.length * 2);
    expect(events.every((e) => e.dest?.startsWith("https://dest.example/people"))).toBe(true);
  });

  it("without an image is a summary card, and without a title shows the short URL", async () => {
    const link = await f.link({ url: "https://dest.example/plain", preview: toStoredPreview({ description: "Only words" }) });
    const res = await call("GET", `/${link.slug}`, { key: null, headers: { "user-agent": SLACK } });
    const body = await res.text();
    expect(body).toContain(`<meta name="twitter:card" content="summary">`);
    expect(body).toContain(`<meta property="og:title" content="sho.rt/${link.slug}">`);
    expect(body).toContain(`<meta property="og:description" content="Only words">`);
    expect(body).not.toMatch(/og:image|twitter:image|<img/);
  });
});

describe("a link without a card", () => {
  it("redirects fetchers as before, and its cache entry has no preview field", async () => {
    const link = await createLink({ url: "https://dest.example/no-card" });
    domains.links.add(link.id);
    for (const res of [await viaApp(request(`/${link.slug}`, SLACK)), await fast(request(`/${link.slug}`, SLACK))]) {
      expect([res!.status, res!.headers.get("location")]).toEqual([302, "https://dest.example/no-card"]);
    }
    expect(Object.keys((await redis.get(redisKeys.link(link.slug))) as object)).not.toContain("preview");
  });
});

describe("preview on the links API", () => {
  it("is stored normalized, answered in the Link, written through to the cache, replaced by PATCH and cleared by null", async () => {
    const link = await createLink({ url: "https://dest.example/api", preview: { title: "T", description: "  ", image: "https://IMG.example/a b.png" } });
    domains.links.add(link.id);
    expect(link.preview).toEqual({ title: "T", description: null, image: "https://img.example/a%20b.png" });
    expect(((await redis.get(redisKeys.link(link.slug))) as any).preview).toEqual({ title: "T", description: null, image: "https://img.example/a%20b.png" });
    expect(((await (await call("GET", `/api/v1/links/${link.slug}`)).json()) as any).preview).toEqual(link.preview);

    const patched = await call("PATCH", `/api/v1/links/${link.slug}`, { body: { preview: { description: "New" } } });
    expect(((await patched.json()) as any).preview).toEqual({ title: null, description: "New", image: null });
    const card = await call("GET", `/${link.slug}`, { key: null, headers: { "user-agent": SLACK } });
    expect(await card.text()).toContain(`content="New"`);

    // A title change leaves the card alone; null removes it, and so does a card with no field set.
    expect(((await (await call("PATCH", `/api/v1/links/${link.slug}`, { body: { title: "x" } })).json()) as any).preview).not.toBeNull();
    for (const off of [null, { title: "", image: null }]) {
      await call("PATCH", `/api/v1/links/${link.slug}`, { body: { preview: { title: "again" } } });
      const cleared = await call("PATCH", `/api/v1/links/${link.slug}`, { body: { preview: off } });
      expect(((await cleared.json()) as any).preview).toBeNull();
      expect(Object.keys((await redis.get(redisKeys.link(link.slug))) as object)).not.toContain("preview");
      const [row] = await withDb((db) => db.select().from(links).where(eq(links.id, link.id)));
      expect(row.preview).toBeNull();
    }
    const after = await call("GET", `/${link.slug}`, { key: null, headers: { "user-agent": SLACK } });
    expect([after.status, after.headers.get("location")]).toEqual([302, "https://dest.example/api"]);
  });

  it("travels in bulk: each link keeps its own card, and a bad card fails only its link", async () => {
    const res = await call("POST", "/api/v1/links/bulk", {
      body: {
        links: [
          { url: "https://dest.example/b1", preview: { title: "First" } },
          { url: "https://dest.example/b2" },
          { url: "https://dest.example/b3", preview: { image: "http://img.example/x.png" } },
        ],
      },
    });
    expect(res.status).toBe(200);
    const { results } = (await res.json()) as any;
    for (const r of results) if (r.ok) domains.links.add(r.link.id);
    expect(results.map((r: any) => r.ok)).toEqual([true, true, false]);
    expect(results[0].link.preview).toEqual({ title: "First", description: null, image: null });
    expect(results[1].link.preview).toBeNull();
    expect(results[2].error.errors).toEqual([{ path: "preview.image", message: "must be an https URL" }]);
    const card = await call("GET", `/${results[0].link.slug}`, { key: null, headers: { "user-agent": SLACK } });
    expect(await card.text()).toContain(`<meta property="og:title" content="First">`);
  });
});

describe("export, then import into an empty domain, then export", () => {
  const exportOf = async (host: string, format: string) => {
    const res = await call("GET", `/api/v1/links/export?format=${format}&domain=${host}`);
    expect(res.status).toBe(200);
    return res.text();
  };
  const importFile = async (body: string, type: string, query = "") => {
    const res = await call("POST", `/api/v1/links/import${query}`, { raw: body, headers: { "content-type": type } });
    return (await res.json()) as any;
  };

  it("gives the same bytes with cards, in CSV and in JSON, and a second import (skip or update) changes nothing", async () => {
    const { hostname } = await domains.add();
    const res = await call("POST", "/api/v1/links/bulk", {
      body: {
        links: [
          { url: "https://example.com/p/1", slug: "card-full", domain: hostname, preview: { title: '=SUM("a, b")', description: "Ünïcode, \"quotes\", 'apostrophes' & <tags>", image: "https://img.example/c.png?x=1&y=2" } },
          { url: "https://example.com/p/2", slug: "card-image", domain: hostname, preview: { image: "https://img.example/only.png" } },
          { url: "https://example.com/p/3", slug: "no-card", domain: hostname },
        ],
      },
    });
    expect(((await res.json()) as any).results.every((r: any) => r.ok)).toBe(true);
    const csv = await exportOf(hostname, "csv");
    const json = await exportOf(hostname, "json");
    expect(csv.split("\r\n")[0]).toContain(",crawlable,preview,clicks,");
    expect(JSON.parse(json).map((l: any) => l.preview?.title).filter(Boolean)).toEqual(['=SUM("a, b")']);

    for (const [format, file, type] of [["csv", csv, "text/csv"], ["json", json, "application/json"]] as const) {
      await withDb((db) => db.delete(links).where(eq(links.domain, hostname)));
      expect(await importFile(file, type)).toMatchObject({ format, created: 3, failed: 0 });
      expect(await exportOf(hostname, format)).toBe(file);
      expect(await importFile(file, type)).toMatchObject({ created: 0, skipped: 3 });
      // jsonb keeps the card's keys in an order of its own: the same card must still count as unchanged.
      expect(await importFile(file, type, "?onConflict=update")).toMatchObject({ created: 0, updated: 0, skipped: 3 });
    }
  });
});
