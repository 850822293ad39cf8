/**
 * Domains (issue 14): links on several domains, the redirect resolving (Host, slug), each domain's root and
 * not-found redirects, the domains API, and ?domain= on the links routes. Requests carry their host in the
 * URL, as the Worker gets it from Cloudflare (and from wrangler dev, which passes Host through).
 */
import { afterEach, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { DEFAULT_DOMAIN_ROW, domains } from "../db/schema.ts";
import { invalidate } from "../functions/redirect/link-cache/index.ts";
import { linkCacheKey, redisKeys } from "../functions/shared/redis-keys.ts";
import { createLink } from "./helpers/api.ts";
import { withDb } from "./helpers/db.ts";
import { DEFAULT_HOST, DomainFixtures, on, uniqueHost } from "./helpers/domains.ts";
import { human } from "./helpers/redirect.ts";
import { redis } from "./helpers/redis.ts";
import { uniqueSlug } from "./helpers/unique.ts";
import { call } from "./helpers/worker.ts";

const d = new DomainFixtures();
afterEach(() => d.cleanup());

const noIsolateCache = { LINK_CACHE_SECONDS: "0" };
async function visit(url: string, settings?: Record<string, string>) {
  const res = await call("GET", url, { ...human(), settings });
  return { status: res.status, location: res.headers.get("location"), cacheControl: res.headers.get("cache-control") };
}

async function defaultLink(slug: string, url: string) {
  const link = await createLink({ url, slug });
  d.links.add(link.id);
  return link;
}

describe("the redirect on several domains", () => {
  it("serves the same slug on two domains and the default to their own destinations, from every tier", async () => {
    const [a, b] = [await d.add(), await d.add()];
    const slug = uniqueSlug("same");
    await defaultLink(slug, "https://example.com/default");
    const onA = await createLink({ url: "https://example.com/a", slug, domain: a.hostname });
    const onB = await createLink({ url: "https://example.com/b", slug, domain: b.hostname.toUpperCase() });
    expect([onA.domain, onA.shortUrl]).toEqual([a.hostname, `http://${a.hostname}/${slug}`]);
    expect(onB.domain).toBe(b.hostname);
    expect(onA.id).not.toBe(onB.id);

    // Redis holds each under its own key; the default keeps link:{slug}.
    expect(await redis.get(redisKeys.link(slug))).toMatchObject({ url: "https://example.com/default" });
    expect(await redis.get(redisKeys.linkOn(a.hostname, slug))).toMatchObject({ url: "https://example.com/a", domain: a.hostname });

    const expected = [
      [on(DEFAULT_HOST, `/${slug}`), "https://example.com/default"],
      [on(a.hostname, `/${slug}`), "https://example.com/a"],
      [on(b.hostname.toUpperCase(), `/${slug}`), "https://example.com/b"],
      [on(`${b.hostname}.`, `/${slug}`), "https://example.com/b"],
    ];
    // Twice with the isolate cache on: the second visits are answered by the fast path (functions/redirect/fast-path.ts).
    for (const settings of [undefined, undefined, noIsolateCache]) {
      for (const [url, location] of expected) expect(await visit(url, settings), url).toMatchObject({ status: 302, location });
    }
    // From Postgres (every Redis entry gone, the domain table too, and this isolate's copies): the same
    // answers, and the cache refilled.
    for (const host of [null, a.hostname, b.hostname]) invalidate(linkCacheKey(host, slug));
    await redis.del(redisKeys.link(slug), redisKeys.linkOn(a.hostname, slug), redisKeys.linkOn(b.hostname, slug), redisKeys.domainTable);
    for (const [url, location] of expected) expect(await visit(url, noIsolateCache), url).toMatchObject({ status: 302, location });
    expect(await redis.get(redisKeys.linkOn(b.hostname, slug))).toMatchObject({ url: "https://example.com/b" });
  });

  it("serves a host that is not a registered domain as the default domain", async () => {
    const slug = uniqueSlug("any");
    await defaultLink(slug, "https://example.com/default-host");
    for (const host of [uniqueHost("unknown"), "127.0.0.1:8787", "localhost"]) {
      for (const settings of [undefined, noIsolateCache]) {
        expect(await visit(on(host, `/${slug}`), settings), host).toMatchObject({ status: 302, location: "https://example.com/default-host" });
      }
    }
    // A slug that exists only on a custom domain is not found on an unknown host.
    const a = await d.add();
    const only = uniqueSlug("only");
    await createLink({ url: "https://example.com/only-a", slug: only, domain: a.hostname });
    expect((await visit(on(uniqueHost("unknown"), `/${only}`))).status).toBe(404);
    expect((await visit(on(DEFAULT_HOST, `/${only}`))).status).toBe(404);
  });

  it("answers GET / with the root redirect: /app on the default domain, 404 on a custom one without it", async () => {
    const a = await d.add();
    expect(await visit(on(DEFAULT_HOST, "/"))).toEqual({ status: 302, location: "http://sho.rt/app", cacheControl: "private, no-store" });
    expect((await visit(on(a.hostname, "/"))).status).toBe(404);
    expect((await call("HEAD", on(a.hostname, "/"), human())).status).toBe(404);

    const patched = await call("PATCH", `/api/v1/domains/${a.hostname}`, { body: { rootRedirect: "https://example.com/home" } });
    expect(patched.status).toBe(200);
    expect(await visit(on(a.hostname, "/"))).toEqual({ status: 302, location: "https://example.com/home", cacheControl: "private, no-store" });
    // Every isolate reads the change within its cache seconds; from Redis and Postgres at once.
    expect(await visit(on(a.hostname, "/"), noIsolateCache)).toMatchObject({ status: 302, location: "https://example.com/home" });
    await call("PATCH", `/api/v1/domains/${a.hostname}`, { body: { rootRedirect: null } });
    expect((await visit(on(a.hostname, "/"))).status).toBe(404);
  });

  it("sends an unknown slug to the domain's notFoundRedirect, and 404s without one", async () => {
    const a = await d.add({ notFoundRedirect: "https://example.com/missing" });
    const slug = uniqueSlug("nope");
    expect(await visit(on(a.hostname, `/${slug}`))).toEqual({ status: 302, location: "https://example.com/missing", cacheControl: "private, no-store" });
    expect((await visit(on(DEFAULT_HOST, `/${slug}`))).status).toBe(404);
    // The default domain's own, set under PUBLIC_BASE_URL's host, and restored.
    try {
      expect((await call("PATCH", `/api/v1/domains/${DEFAULT_HOST}`, { body: { notFoundRedirect: "https://example.com/default-missing", rootRedirect: "https://example.com/default-root" } })).status).toBe(200);
      expect(await visit(on(DEFAULT_HOST, `/${slug}`))).toMatchObject({ status: 302, location: "https://example.com/default-missing" });
      expect(await visit(on(uniqueHost(), `/${slug}`))).toMatchObject({ status: 302, location: "https://example.com/default-missing" });
      expect(await visit(on(DEFAULT_HOST, "/"))).toMatchObject({ status: 302, location: "https://example.com/default-root" });
    } finally {
      await call("PATCH", `/api/v1/domains/${DEFAULT_HOST}`, { body: { notFoundRedirect: null, rootRedirect: null } });
    }
    expect((await visit(on(DEFAULT_HOST, `/${slug}`))).status).toBe(404);
    // A real link wins over the not-found redirect, of course.
    await createLink({ url: "https://example.com/real", slug, domain: a.hostname });
    expect(await visit(on(a.hostname, `/${slug}`))).toMatchObject({ status: 302, location: "https://example.com/real" });
  });
});

describe("the domains API", () => {
  it("adds, lists (the default first, with link counts), changes and removes domains", async () => {
    const hostname = uniqueHost("api");
    const res = await call("POST", "/api/v1/domains", { body: { hostname: `${hostname.toUpperCase()}.`, rootRedirect: "https://example.com/r" } });
    expect(res.status).toBe(201);
    d.hosts.add(hostname);
    const created = await res.json();
    expect(created).toEqual({
      hostname, isDefault: false, rootRedirect: "https://example.com/r", notFoundRedirect: null, links: 0, createdBy: null, createdAt: expect.any(String),
      hasAppleAppSiteAssociation: false, hasAssetLinks: false, hasQrLogo: false, appleAppSiteAssociation: null, assetLinks: null, qrLogo: null,
    });
    await createLink({ url: "https://example.com/x", domain: hostname });

    const { data } = (await (await call("GET", "/api/v1/domains")).json()) as { data: any[] };
    expect(data[0]).toMatchObject({ hostname: DEFAULT_HOST, isDefault: true });
    expect(data.find((x) => x.hostname === hostname)).toMatchObject({ links: 1, rootRedirect: "https://example.com/r" });
    expect(data.filter((x) => x.isDefault)).toHaveLength(1);

    const patched = await call("PATCH", `/api/v1/domains/${hostname}`, { body: { notFoundRedirect: "https://example.com/nf", rootRedirect: null } });
    expect(await patched.json()).toMatchObject({ hostname, rootRedirect: null, notFoundRedirect: "https://example.com/nf", links: 1 });

    // 409 while a link uses it; once it has none, 204, and its host is served as the default domain.
    expect((await call("DELETE", `/api/v1/domains/${hostname}`)).status).toBe(409);
    const { data: its } = (await (await call("GET", `/api/v1/links?domain=${hostname}`)).json()) as { data: any[] };
    expect(its).toHaveLength(1);
    expect((await call("DELETE", `/api/v1/links/${its[0].slug}?domain=${hostname}`)).status).toBe(204);
    expect((await call("DELETE", `/api/v1/domains/${hostname}`)).status).toBe(204);
    expect((await call("DELETE", `/api/v1/domains/${hostname}`)).status).toBe(404);
    const slug = uniqueSlug("after");
    await defaultLink(slug, "https://example.com/after-removal");
    expect(await visit(on(hostname, `/${slug}`))).toMatchObject({ status: 302, location: "https://example.com/after-removal" });
  });

  it("keeps the default domain: it exists (409) and cannot be removed (409); its row survives", async () => {
    expect((await call("POST", "/api/v1/domains", { body: { hostname: DEFAULT_HOST } })).status).toBe(409);
    expect((await call("DELETE", `/api/v1/domains/${DEFAULT_HOST}`)).status).toBe(409);
    const row = await withDb(async (db) => (await db.select().from(domains).where(eq(domains.hostname, DEFAULT_DOMAIN_ROW)))[0]);
    expect(row).toBeTruthy();
  });
});

describe("links on a domain through the links API", () => {
  it("names a link by ?domain= on get, patch, delete and stats; lists filter by it", async () => {
    const a = await d.add();
    const slug = uniqueSlug("named");
    const def = await defaultLink(slug, "https://example.com/def");
    const onA = await createLink({ url: "https://example.com/on-a", slug, domain: a.hostname, tags: ["domain-test"] });

    expect(await (await call("GET", `/api/v1/links/${slug}`)).json()).toMatchObject({ id: def.id, domain: DEFAULT_HOST, shortUrl: `http://sho.rt/${slug}` });
    expect(await (await call("GET", `/api/v1/links/${slug}?domain=${DEFAULT_HOST}`)).json()).toMatchObject({ id: def.id });
    expect(await (await call("GET", `/api/v1/links/${slug}?domain=${a.hostname.toUpperCase()}`)).json()).toMatchObject({ id: onA.id });
    expect((await call("GET", `/api/v1/links/${slug}?domain=${uniqueHost()}`)).status).toBe(404);

    const list = async (q: string) => ((await (await call("GET", `/api/v1/links?${q}`)).json()) as { data: any[] }).data.map((l) => l.id);
    expect(await list(`domain=${a.hostname}`)).toEqual([onA.id]);
    expect(await list(`q=${slug}`)).toEqual(expect.arrayContaining([onA.id, def.id]));
    expect(await list(`q=${slug}&domain=${DEFAULT_HOST}`)).toEqual([def.id]);

    const patched = await call("PATCH", `/api/v1/links/${slug}?domain=${a.hostname}`, { body: { url: "https://example.com/on-a-2" } });
    expect(await patched.json()).toMatchObject({ id: onA.id, url: "https://example.com/on-a-2" });
    expect(await visit(on(a.hostname, `/${slug}`))).toMatchObject({ location: "https://example.com/on-a-2" });
    expect(await visit(on(DEFAULT_HOST, `/${slug}`))).toMatchObject({ location: "https://example.com/def" });

    expect((await call("GET", `/api/v1/links/${slug}/stats?domain=${a.hostname}`)).status).toBe(200);
    expect((await call("DELETE", `/api/v1/links/${slug}?domain=${a.hostname}`)).status).toBe(204);
    expect((await visit(on(a.hostname, `/${slug}`))).status).toBe(404);
    expect(await visit(on(DEFAULT_HOST, `/${slug}`))).toMatchObject({ location: "https://example.com/def" });
  });

  it("moves a link to another domain with PATCH domain: the old short URL stops, the new one works", async () => {
    const a = await d.add();
    const slug = uniqueSlug("move");
    const link = await defaultLink(slug, "https://example.com/moving");
    expect(await visit(on(DEFAULT_HOST, `/${slug}`))).toMatchObject({ status: 302 });
    const moved = await (await call("PATCH", `/api/v1/links/${slug}`, { body: { domain: a.hostname } })).json();
    expect(moved).toMatchObject({ id: link.id, domain: a.hostname, shortUrl: `http://${a.hostname}/${slug}` });
    for (const settings of [undefined, noIsolateCache]) {
      expect((await visit(on(DEFAULT_HOST, `/${slug}`), settings)).status).toBe(404);
      expect(await visit(on(a.hostname, `/${slug}`), settings)).toMatchObject({ status: 302, location: "https://example.com/moving" });
    }
    // Back to the default with null; a slug taken there is a 409.
    const back = await call("PATCH", `/api/v1/links/${slug}?domain=${a.hostname}`, { body: { domain: null } });
    expect(await back.json()).toMatchObject({ domain: DEFAULT_HOST });
    const other = await createLink({ url: "https://example.com/other", slug, domain: a.hostname });
    const clash = await call("PATCH", `/api/v1/links/${slug}?domain=${a.hostname}`, { body: { domain: DEFAULT_HOST } });
    expect(clash.status).toBe(409);
    expect(other.domain).toBe(a.hostname);
  });

  it("applies reserved slugs and the loop rule on every domain", async () => {
    const a = await d.add();
    for (const slug of ["api", "Docs", "app"]) {
      expect((await call("POST", "/api/v1/links", { body: { url: "https://example.com/r", slug, domain: a.hostname } })).status).toBe(422);
    }
    const loop = await call("POST", "/api/v1/links", { body: { url: `https://${a.hostname}/x`, domain: a.hostname } });
    expect(loop.status).toBe(422);
  });
});
