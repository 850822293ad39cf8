/**
 * A short link never points at a short link of this deployment: a link on `a` to `b/loopb` and one on `b` back
 * to `a` would send a browser round and round, and every hop counts a click. Refused (422, or Shlink's
 * invalid-data) on every path a destination is written by: create, patch, bulk, import, Shlink's create, edit
 * and redirect rules, for `url`, `fallbackUrl`, rules' and variants' URLs, on every domain served (the custom
 * domains, the default one and the request's host). A path of ours that is not a redirect (`/app/...`,
 * `/docs`) may still be linked to (functions/api/links/served-hosts.ts).
 */
import { afterEach, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { links } from "../db/schema.ts";
import { createLink } from "./helpers/api.ts";
import { withDb } from "./helpers/db.ts";
import { DEFAULT_HOST, DomainFixtures, on, uniqueHost } from "./helpers/domains.ts";
import { ADMIN_KEY } from "./helpers/env.ts";
import { expectLinksProblem } from "./helpers/links-problems.ts";
import { human } from "./helpers/redirect.ts";
import { uniqueSlug } from "./helpers/unique.ts";
import { call } from "./helpers/worker.ts";

const d = new DomainFixtures();
afterEach(() => d.cleanup());

const LOOP = "must not point at a short link on a domain this deployment serves: the visit would loop, counting a click at every hop";
const rule = (url: string) => ({ url, conditions: [{ type: "device", matchValue: "ios" }] });
const split = (url: string) => [{ url: "https://example.com/a", weight: 50 }, { url, weight: 50 }];
const shlink = { "x-api-key": ADMIN_KEY };

/** Domains a and b, a link on each to an outside page, and the URLs that would close the loop. */
async function twoDomains() {
  const [a, b] = [await d.add(), await d.add()];
  const la = await createLink({ url: "https://example.com/from-a", slug: uniqueSlug("loopa"), domain: a.hostname });
  const lb = await createLink({ url: "https://example.com/from-b", slug: uniqueSlug("loopb"), domain: b.hostname });
  return { a, b, la, lb, toA: `http://${a.hostname}/${la.slug}`, toB: `http://${b.hostname}/${lb.slug}` };
}

async function destinationOf(id: string) {
  const [row] = await withDb((db) => db.select().from(links).where(eq(links.id, id)));
  return { url: row.url, fallbackUrl: row.fallbackUrl, rules: row.rules, variants: row.variants };
}

async function expectLoopRefused(res: Response, paths: string[]) {
  const body = await expectLinksProblem(res, 422, paths);
  for (const e of body.errors) expect(e.message).toBe(LOOP);
}

describe("a destination at a short link of this deployment", () => {
  it("is refused on create, for url, fallbackUrl, a rule and a variant, on either domain", async () => {
    const { a, b, toA, toB } = await twoDomains();
    for (const [domain, back] of [[a.hostname, toB], [b.hostname, toA], [b.hostname, toB], [a.hostname, `https://${DEFAULT_HOST}/x`]]) {
      const slug = uniqueSlug("l");
      await expectLoopRefused(await call("POST", "/api/v1/links", { body: { url: back, slug, domain } }), ["url"]);
      await expectLoopRefused(await call("POST", "/api/v1/links", { body: { url: "https://example.com", fallbackUrl: back, slug, domain } }), ["fallbackUrl"]);
      await expectLoopRefused(
        await call("POST", "/api/v1/links", { body: { url: "https://example.com", slug, domain, rules: [rule("https://example.com/r"), rule(back)], variants: split(back) } }),
        ["rules.1.url", "variants.1.url"],
      );
      expect((await call("GET", `/api/v1/links/${slug}?domain=${domain}`)).status).toBe(404);
    }
  });

  it("is refused on patch, and the link keeps its destination; a visit of a then goes where it went", async () => {
    const { a, la, toB } = await twoDomains();
    const before = await destinationOf(la.id);
    const changes: [object, string][] = [
      [{ url: toB }, "url"], [{ fallbackUrl: toB }, "fallbackUrl"], [{ rules: [rule(toB)] }, "rules.0.url"], [{ variants: split(toB) }, "variants.1.url"],
    ];
    for (const [body, path] of changes) {
      await expectLoopRefused(await call("PATCH", `/api/v1/links/${la.slug}?domain=${a.hostname}`, { body }), [path]);
    }
    expect(await destinationOf(la.id)).toEqual(before);
    const res = await call("GET", on(a.hostname, `/${la.slug}`), human());
    expect([res.status, res.headers.get("location")]).toEqual([302, "https://example.com/from-a"]);
  });

  it("is refused in a bulk create, for that link alone", async () => {
    const { b, toA } = await twoDomains();
    const [bad, good] = [uniqueSlug("bulk"), uniqueSlug("bulk")];
    const res = await call("POST", "/api/v1/links/bulk", {
      body: { links: [{ url: toA, slug: bad, domain: b.hostname }, { url: "https://example.com/fine", slug: good, domain: b.hostname }] },
    });
    expect(res.status).toBe(200);
    const { results } = (await res.json()) as any;
    expect(results[0]).toMatchObject({ ok: false, error: { status: 422, errors: [{ path: "url", message: LOOP }] } });
    expect(results[1]).toMatchObject({ ok: true });
  });

  it("is refused by an import, row by row", async () => {
    const { b, toA } = await twoDomains();
    const [bad, good] = [uniqueSlug("imp"), uniqueSlug("imp")];
    const csv = `url,slug\n${toA},${bad}\nhttps://example.com/fine,${good}\n`;
    const res = await call("POST", `/api/v1/links/import?domain=${b.hostname}`, { raw: csv, headers: { "content-type": "text/csv" } });
    expect(res.status).toBe(200);
    const report = (await res.json()) as any;
    expect(report).toMatchObject({ created: 1, failed: 1, errors: [{ line: 2, message: `url: ${LOOP}` }] });
    // onConflict=update rewrites a link's destination: the same check.
    const update = `url,slug\n${toA},${good}\n`;
    const again = await call("POST", `/api/v1/links/import?domain=${b.hostname}&onConflict=update`, { raw: update, headers: { "content-type": "text/csv" } });
    expect(await again.json()).toMatchObject({ updated: 0, failed: 1, errors: [{ line: 2, message: `url: ${LOOP}` }] });
  });

  it("is refused by Shlink's create, edit and redirect rules (invalid-data)", async () => {
    const { a, b, la, toB, toA } = await twoDomains();
    const invalid = async (res: Response, element: string) => {
      const body = (await res.json()) as any;
      expect({ status: res.status, type: body.type, invalidElements: body.invalidElements }).toEqual({
        status: 400, type: "https://shlink.io/api/error/invalid-data", invalidElements: [element],
      });
      expect(body.errors[0].message).toBe(LOOP);
    };
    await invalid(await call("POST", "/rest/v3/short-urls", { key: null, headers: shlink, body: { longUrl: toA, domain: b.hostname } }), "longUrl");
    await invalid(await call("PATCH", `/rest/v3/short-urls/${la.slug}?domain=${a.hostname}`, { key: null, headers: shlink, body: { longUrl: toB } }), "longUrl");
    const rules = { redirectRules: [{ longUrl: toB, conditions: [{ type: "device", matchKey: null, matchValue: "ios" }] }] };
    await invalid(await call("POST", `/rest/v3/short-urls/${la.slug}/redirect-rules?domain=${a.hostname}`, { key: null, headers: shlink, body: rules }), "redirectRules");
    expect(await destinationOf(la.id)).toMatchObject({ url: "https://example.com/from-a", rules: [] });
  });

  it("is refused however the slug is written: case of the host, a trailing dot, a port, percent-encoding, and the root", async () => {
    const { b, lb } = await twoDomains();
    const host = b.hostname;
    const encoded = `/%${lb.slug.charCodeAt(0).toString(16)}${lb.slug.slice(1)}`;
    // The premise: the Worker's router decodes the path, so the encoded slug is the link.
    const visit = await call("GET", on(host, encoded), human());
    expect([visit.status, visit.headers.get("location")]).toEqual([302, "https://example.com/from-b"]);
    for (const url of [`https://${host.toUpperCase()}/${lb.slug}`, `http://${host}./${lb.slug}`, `http://${host}:8443/${lb.slug}?x=1#f`,
      `http://${host}${encoded}`, `https://${host}/`, `https://${host}/not-yet-a-link`]) {
      await expectLoopRefused(await call("POST", "/api/v1/links", { body: { url } }), ["url"]);
    }
  });
});

describe("what is not a short link stays a valid destination", () => {
  it("a page of ours that is not a redirect (/app, /docs, deeper paths) and hosts this deployment does not serve", async () => {
    const { b } = await twoDomains();
    for (const url of [`https://${b.hostname}/app/links`, `https://${DEFAULT_HOST}/docs`, `https://${b.hostname}/a/b`, `https://${uniqueHost()}/loopb`]) {
      const link = await createLink({ url, domain: b.hostname });
      expect(link.url).toBe(new URL(url).href);
    }
  });
});
