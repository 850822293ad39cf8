/**
 * App links (issue 29): each domain's apple-app-site-association and assetlinks.json, set through the domains
 * API and served byte for byte at /.well-known/ on that domain's host; their cache (isolate, Redis
 * app-files:{domain}, Postgres) filled and deleted as designed; and the QR logo stored and read back.
 */
import { afterEach, describe, expect, it } from "vitest";
import { and, desc, eq } from "drizzle-orm";
import { selectQrLogo } from "../db/queries/domains.ts";
import { auditLog } from "../db/schema.ts";
import { redisKeys } from "../functions/shared/redis-keys.ts";
import { AASA_PATH, aasaFor, ASSET_LINKS_PATH, assetLinksFor, pngLogo, svgLogo, wellKnown } from "./helpers/app-files.ts";
import { withDb } from "./helpers/db.ts";
import { DEFAULT_HOST, DomainFixtures, uniqueHost } from "./helpers/domains.ts";
import { redis } from "./helpers/redis.ts";
import { call } from "./helpers/worker.ts";

const d = new DomainFixtures();
afterEach(() => d.cleanup());

const noIsolateCache = { LINK_CACHE_SECONDS: "0" };
const patch = (host: string, body: Record<string, unknown>) => call("PATCH", `/api/v1/domains/${host}`, { body });

/** The file as served: status, media type, caching, and the exact bytes. */
async function served(host: string, path: string, settings?: Record<string, string>) {
  const res = await wellKnown(host, path, settings);
  return {
    status: res.status,
    type: res.headers.get("content-type"),
    cacheControl: res.headers.get("cache-control"),
    location: res.headers.get("location"),
    bytes: new Uint8Array(await res.arrayBuffer()),
  };
}
const utf8 = (s: string) => new TextEncoder().encode(s);

async function expectFile(host: string, path: string, value: unknown, settings?: Record<string, string>) {
  const got = await served(host, path, settings);
  expect({ ...got, bytes: undefined }, `${host}${path}`).toEqual({ status: 200, type: "application/json", cacheControl: "public, max-age=300", location: null, bytes: undefined });
  expect(got.bytes, `${host}${path}`).toEqual(utf8(JSON.stringify(value)));
}

async function expectNone(host: string, path: string, settings?: Record<string, string>) {
  const got = await served(host, path, settings);
  expect([got.status, got.type, got.cacheControl, got.location], `${host}${path}`).toEqual([404, "application/problem+json", "no-store", null]);
}

describe("the association files of each domain", () => {
  it("serves two custom domains and the default domain their own files, byte for byte, from every tier", async () => {
    // A key JSON.parse keeps as an own "__proto__" property, and non-ASCII text: both must come back as sent.
    const odd = JSON.parse('{"__proto__":{"x":1},"applinks":{"details":[]},"note":"ünïcödé ✓"}');
    const a = await d.add({ appleAppSiteAssociation: aasaFor("com.example.a"), assetLinks: assetLinksFor("com.example.a") });
    const b = await d.add({ appleAppSiteAssociation: odd, notFoundRedirect: "https://example.com/nf", rootRedirect: "https://example.com/root" });
    expect(a).toMatchObject({ hasAppleAppSiteAssociation: true, hasAssetLinks: true, hasQrLogo: false, appleAppSiteAssociation: aasaFor("com.example.a") });
    try {
      const def = await patch(DEFAULT_HOST, { assetLinks: assetLinksFor("com.example.default") });
      expect(def.status).toBe(200);
      await redis.del(redisKeys.appFiles(null), redisKeys.appFiles(a.hostname), redisKeys.appFiles(b.hostname));

      const expected: [string, string, unknown][] = [
        [a.hostname, AASA_PATH, aasaFor("com.example.a")],
        [a.hostname, ASSET_LINKS_PATH, assetLinksFor("com.example.a")],
        [b.hostname, AASA_PATH, odd],
        [DEFAULT_HOST, ASSET_LINKS_PATH, assetLinksFor("com.example.default")],
        // A host that is not a domain here is served as the default domain.
        [uniqueHost("stranger"), ASSET_LINKS_PATH, assetLinksFor("com.example.default")],
      ];
      // From Postgres (the keys were deleted), then from Redis, then from this isolate.
      for (const settings of [noIsolateCache, noIsolateCache, undefined, undefined]) {
        for (const [host, path, value] of expected) await expectFile(host, path, value, settings);
      }
      expect(await served(b.hostname, AASA_PATH).then((r) => new TextDecoder().decode(r.bytes))).toBe(
        '{"__proto__":{"x":1},"applinks":{"details":[]},"note":"ünïcödé ✓"}',
      );
      // What a domain lacks is a 404, never a redirect, even on a domain with a not-found and a root redirect.
      await expectNone(b.hostname, ASSET_LINKS_PATH);
      await expectNone(DEFAULT_HOST, AASA_PATH);
      expect((await wellKnown(b.hostname, `${AASA_PATH}/`)).status).toBe(404);
      const head = await call("HEAD", `http://${a.hostname}${AASA_PATH}`, { key: null });
      expect([head.status, head.headers.get("content-type"), (await head.arrayBuffer()).byteLength]).toEqual([200, "application/json", 0]);

      // Redis holds each domain's files under its own key, the misses included.
      expect(await redis.get(redisKeys.appFiles(a.hostname))).toEqual({ aasa: JSON.stringify(aasaFor("com.example.a")), assetLinks: JSON.stringify(assetLinksFor("com.example.a")) });
      expect(await redis.get(redisKeys.appFiles(b.hostname))).toEqual({ aasa: JSON.stringify(odd), assetLinks: null });
      expect(await redis.get(redisKeys.appFiles(null))).toEqual({ aasa: null, assetLinks: JSON.stringify(assetLinksFor("com.example.default")) });
      const ttl = await redis.ttl(redisKeys.appFiles(a.hostname));
      expect(ttl).toBeGreaterThan(3500);
      expect(ttl).toBeLessThanOrEqual(3600);
    } finally {
      expect((await patch(DEFAULT_HOST, { assetLinks: null })).status).toBe(200);
    }
    await expectNone(DEFAULT_HOST, ASSET_LINKS_PATH);
  });

  it("serves a change at the next request and a cleared file as 404: the API deletes the key after its commit", async () => {
    const a = await d.add({ appleAppSiteAssociation: aasaFor("com.example.v1") });
    const key = redisKeys.appFiles(a.hostname);
    await expectFile(a.hostname, AASA_PATH, aasaFor("com.example.v1"));
    expect(await redis.exists(key)).toBe(1);

    expect((await patch(a.hostname, { appleAppSiteAssociation: aasaFor("com.example.v2") })).status).toBe(200);
    expect(await redis.exists(key)).toBe(0);
    // The isolate that served the PATCH dropped its copy; another one (no isolate cache) reads Redis, then Postgres.
    await expectFile(a.hostname, AASA_PATH, aasaFor("com.example.v2"));
    await expectFile(a.hostname, AASA_PATH, aasaFor("com.example.v2"), noIsolateCache);

    // A redirect change leaves the files' key alone; a file change leaves the redirect's table alone.
    const none = { rootRedirect: null, notFoundRedirect: null };
    await redis.set(redisKeys.domainTable, { defaultDomain: none, custom: { [a.hostname]: none } });
    expect((await patch(a.hostname, { assetLinks: assetLinksFor("com.example.v2") })).status).toBe(200);
    expect(await redis.exists(redisKeys.domainTable)).toBe(1);
    await expectFile(a.hostname, ASSET_LINKS_PATH, assetLinksFor("com.example.v2"));
    expect((await patch(a.hostname, { rootRedirect: "https://example.com/r" })).status).toBe(200);
    expect([await redis.exists(redisKeys.domainTable), await redis.exists(key)]).toEqual([0, 1]);

    expect((await patch(a.hostname, { appleAppSiteAssociation: null })).status).toBe(200);
    await expectNone(a.hostname, AASA_PATH);
    await expectNone(a.hostname, AASA_PATH, noIsolateCache);
    await expectFile(a.hostname, ASSET_LINKS_PATH, assetLinksFor("com.example.v2"), noIsolateCache);
    expect(await redis.get(key)).toEqual({ aasa: null, assetLinks: JSON.stringify(assetLinksFor("com.example.v2")) });
  });

  it("reads Redis before Postgres, and remembers a domain without files there too", async () => {
    const a = await d.add();
    const key = redisKeys.appFiles(a.hostname);
    await expectNone(a.hostname, AASA_PATH, noIsolateCache);
    expect(await redis.get(key)).toEqual({ aasa: null, assetLinks: null });
    // What Redis holds is what is served (Postgres is not asked): an entry planted there is answered.
    await redis.set(key, { aasa: '{"planted":true}', assetLinks: null });
    expect(new TextDecoder().decode((await served(a.hostname, AASA_PATH, noIsolateCache)).bytes)).toBe('{"planted":true}');
    // A value that is not one of ours is ignored: Postgres answers, and the fill replaces it.
    await redis.set(key, "garbage");
    await expectNone(a.hostname, AASA_PATH, noIsolateCache);
    expect(await redis.get(key)).toEqual({ aasa: null, assetLinks: null });
    // A removed domain takes its key with it; its host is the default domain's again.
    expect((await call("DELETE", `/api/v1/domains/${a.hostname}`)).status).toBe(204);
    expect(await redis.exists(key)).toBe(0);
  });
});

describe("the domains API", () => {
  it("returns the files and logo of one domain, and only whether each is set in the list", async () => {
    const a = await d.add({ appleAppSiteAssociation: aasaFor("com.example.get"), qrLogo: pngLogo() });
    const one = await (await call("GET", `/api/v1/domains/${a.hostname.toUpperCase()}`)).json();
    expect(one).toMatchObject({ hostname: a.hostname, appleAppSiteAssociation: aasaFor("com.example.get"), assetLinks: null, qrLogo: pngLogo(), hasQrLogo: true });
    const { data } = (await (await call("GET", "/api/v1/domains")).json()) as { data: any[] };
    const listed = data.find((x) => x.hostname === a.hostname);
    expect(listed).toMatchObject({ hasAppleAppSiteAssociation: true, hasAssetLinks: false, hasQrLogo: true });
    for (const large of ["appleAppSiteAssociation", "assetLinks", "qrLogo"]) expect(listed).not.toHaveProperty(large);
    expect((await call("GET", `/api/v1/domains/${uniqueHost()}`)).status).toBe(404);
    expect(await (await call("GET", `/api/v1/domains/${DEFAULT_HOST}`)).json()).toMatchObject({ hostname: DEFAULT_HOST, isDefault: true });
  });

  it("stores a PNG or SVG QR logo, readable with selectQrLogo, and removes it with null", async () => {
    const a = await d.add({ qrLogo: svgLogo() });
    expect(await withDb((db) => selectQrLogo(db, a.hostname))).toBe(svgLogo());
    const png = await patch(a.hostname, { qrLogo: pngLogo(1024) });
    expect(await png.json()).toMatchObject({ qrLogo: pngLogo(1024), hasQrLogo: true });
    expect(await withDb((db) => selectQrLogo(db, a.hostname))).toBe(pngLogo(1024));
    expect(await (await patch(a.hostname, { qrLogo: null })).json()).toMatchObject({ qrLogo: null, hasQrLogo: false });
    expect(await withDb((db) => selectQrLogo(db, a.hostname))).toBeNull();
    expect(await withDb((db) => selectQrLogo(db, uniqueHost()))).toBeNull();
  });

  it("logs a change of a file in the audit log by its size and digest, not its text", async () => {
    const a = await d.add();
    expect((await patch(a.hostname, { appleAppSiteAssociation: aasaFor("com.example.audit") })).status).toBe(200);
    const [entry] = await withDb((db) =>
      db.select().from(auditLog).where(and(eq(auditLog.target, `domain:${a.hostname}`), eq(auditLog.action, "domain.updated"))).orderBy(desc(auditLog.seq)).limit(1));
    const text = JSON.stringify(aasaFor("com.example.audit"));
    const digest = [...new Uint8Array(await crypto.subtle.digest("SHA-256", utf8(text)))].map((x) => x.toString(16).padStart(2, "0")).join("");
    expect(entry.before).toMatchObject({ apple_app_site_association: null, qr_logo: null });
    expect(entry.after).toMatchObject({ apple_app_site_association: { bytes: utf8(text).length, sha256: digest }, asset_links: null });
  });
});
