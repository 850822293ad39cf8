/**
 * A destination on the blocklist, or one Google Safe Browsing flags (here: the run's stand-in,
 * dev/safe-browsing-standin.ts), is refused on every path that writes one: create, patch, bulk (that item
 * alone), import (that row, named by its line, CSV and JSON), Shlink's create, edit and redirect rules; for a
 * link's url, fallbackUrl, rules' and variants' URLs. The answer is a 422 problem of type unsafe-destination
 * naming the check (`source`) and the field, and nothing is written. The blocklist routes refuse what is not a
 * host, a rule twice, an unknown rule, and every caller that is not an admin.
 */
import { afterAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { links } from "../db/schema.ts";
import { UNSAFE_DESTINATION } from "../functions/abuse/destination-checks.ts";
import { createLink, mintKey } from "./helpers/api.ts";
import { BlocklistFixtures, standInFlags, uniqueBlockHost } from "./helpers/blocklist.ts";
import { withDb } from "./helpers/db.ts";
import { DomainFixtures } from "./helpers/domains.ts";
import { ADMIN_KEY } from "./helpers/env.ts";
import { expectLinkAbsent, expectLinksProblem } from "./helpers/links-problems.ts";
import { uniqueSlug } from "./helpers/unique.ts";
import { call } from "./helpers/worker.ts";

const blocklist = new BlocklistFixtures();
// Links this file makes are on a domain of its own, or tracked by id: cleanup() removes them.
const d = new DomainFixtures();
afterAll(async () => {
  await blocklist.cleanup();
  await d.cleanup();
});
const tracked = async (body: Record<string, unknown>) => {
  const link = await createLink(body);
  d.links.add(link.id);
  return link;
};

const shlink = { "x-api-key": ADMIN_KEY };
const rule = (url: string) => ({ url, conditions: [{ type: "device", matchValue: "ios" }] });
const split = (url: string) => [{ url: "https://example.com/a", weight: 50 }, { url, weight: 50 }];

/** A destination refused by each source: a blocklisted host, and a URL the stand-in flags as MALWARE. */
async function unsafeUrls() {
  const host = uniqueBlockHost();
  await blocklist.add(host);
  const flagged = `https://example.com/flagged/${uniqueSlug("sb")}`;
  await standInFlags(flagged, "MALWARE");
  return [
    { url: `https://${host}/x`, source: "blocklist", says: `the host "${host}" is on it` },
    { url: flagged, source: "Google Safe Browsing", says: "MALWARE" },
  ];
}

async function expectUnsafe(res: Response, source: string, paths: string[]) {
  const body = await expectLinksProblem(res, 422, paths);
  expect({ type: body.type, source: body.source }).toEqual({ type: UNSAFE_DESTINATION, source });
  for (const e of body.errors) expect(e.message).toContain(source);
  return body;
}

async function destinationOf(id: string) {
  const [row] = await withDb((db) => db.select().from(links).where(eq(links.id, id)));
  return { url: row.url, fallbackUrl: row.fallbackUrl, rules: row.rules, variants: row.variants, version: row.version };
}

describe("an unsafe destination", () => {
  it("is refused on create, for url, fallbackUrl, a rule and a variant; nothing is written", async () => {
    for (const { url, source, says } of await unsafeUrls()) {
      const slug = uniqueSlug("unsafe");
      const body = await expectUnsafe(await call("POST", "/api/v1/links", { body: { url, slug } }), source, ["url"]);
      expect(body.errors[0].message).toContain(says);
      await expectUnsafe(await call("POST", "/api/v1/links", { body: { url: "https://example.com/ok", fallbackUrl: url, slug } }), source, ["fallbackUrl"]);
      await expectUnsafe(
        await call("POST", "/api/v1/links", { body: { url: "https://example.com/ok", slug, rules: [rule("https://example.com/r"), rule(url)], variants: split(url) } }),
        source, ["rules.1.url", "variants.1.url"],
      );
      await expectLinkAbsent(slug);
    }
  });

  it("is refused on patch, and the link is left as it was", async () => {
    const link = await tracked({ url: "https://example.com/before", slug: uniqueSlug("unsafe") });
    const before = await destinationOf(link.id);
    for (const { url, source } of await unsafeUrls()) {
      const changes: [object, string][] = [[{ url }, "url"], [{ fallbackUrl: url }, "fallbackUrl"], [{ rules: [rule(url)] }, "rules.0.url"], [{ variants: split(url) }, "variants.1.url"]];
      for (const [body, path] of changes) await expectUnsafe(await call("PATCH", `/api/v1/links/${link.slug}`, { body }), source, [path]);
    }
    expect(await destinationOf(link.id)).toEqual(before);
  });

  it("is refused in a bulk create, for that item alone", async () => {
    const [blocked, flagged] = await unsafeUrls();
    const { hostname: domain } = await d.add();
    const slugs = [uniqueSlug("bulk"), uniqueSlug("bulk"), uniqueSlug("bulk")];
    const res = await call("POST", "/api/v1/links/bulk", {
      body: { links: [{ url: blocked.url, slug: slugs[0] }, { url: "https://example.com/fine", slug: slugs[1], domain }, { url: flagged.url, slug: slugs[2] }] },
    });
    expect(res.status).toBe(200);
    const { results } = (await res.json()) as any;
    expect(results[0]).toMatchObject({ ok: false, error: { status: 422, type: UNSAFE_DESTINATION, source: "blocklist", errors: [{ path: "url" }] } });
    expect(results[1]).toMatchObject({ ok: true });
    expect(results[2]).toMatchObject({ ok: false, error: { status: 422, type: UNSAFE_DESTINATION, source: "Google Safe Browsing", errors: [{ path: "url" }] } });
    await expectLinkAbsent(slugs[0]);
    await expectLinkAbsent(slugs[2]);
  });

  it("is refused by an import, row by row and named by line, in CSV and JSON, on create and on update", async () => {
    const [blocked, flagged] = await unsafeUrls();
    const { hostname: domain } = await d.add();
    const [a, b, good] = [uniqueSlug("imp"), uniqueSlug("imp"), uniqueSlug("imp")];
    const csv = `url,slug\n${blocked.url},${a}\nhttps://example.com/fine,${good}\n${flagged.url},${b}\n`;
    const res = await call("POST", `/api/v1/links/import?domain=${domain}`, { raw: csv, headers: { "content-type": "text/csv" } });
    const report = (await res.json()) as any;
    expect(report).toMatchObject({ created: 1, failed: 2 });
    expect(report.errors).toEqual([
      { line: 2, message: expect.stringMatching(/^url: is refused by the blocklist/) },
      { line: 4, message: "url: is flagged by Google Safe Browsing as MALWARE" },
    ]);
    const json = JSON.stringify([{ url: "https://example.com/fine2", slug: uniqueSlug("imp") }, { url: "https://example.com/ok", slug: uniqueSlug("imp"), fallbackUrl: blocked.url }]);
    const viaJson = (await (await call("POST", `/api/v1/links/import?format=json&domain=${domain}`, { raw: json, headers: { "content-type": "application/json" } })).json()) as any;
    // A JSON file's rows are numbered by their index in the array.
    expect(viaJson).toMatchObject({ created: 1, failed: 1, errors: [{ line: 1, message: expect.stringMatching(/^fallbackUrl: is refused by the blocklist/) }] });
    // onConflict=update rewrites a destination: the same checks.
    const update = `url,slug\n${flagged.url},${good}\n`;
    const again = await call("POST", `/api/v1/links/import?onConflict=update&domain=${domain}`, { raw: update, headers: { "content-type": "text/csv" } });
    expect(await again.json()).toMatchObject({ updated: 0, failed: 1, errors: [{ line: 2, message: "url: is flagged by Google Safe Browsing as MALWARE" }] });
    for (const slug of [a, b]) expect((await call("GET", `/api/v1/links/${slug}?domain=${domain}`)).status).toBe(404);
  });

  it("is refused by Shlink's create, edit and redirect rules, with its own type", async () => {
    const link = await tracked({ url: "https://example.com/shlink", slug: uniqueSlug("unsafe") });
    for (const { url, source } of await unsafeUrls()) {
      const slug = uniqueSlug("sh");
      const made = await call("POST", "/rest/v3/short-urls", { key: null, headers: shlink, body: { longUrl: url, customSlug: slug } });
      expect(made.status).toBe(422);
      expect(await made.json()).toMatchObject({ type: UNSAFE_DESTINATION, source, errors: [{ path: "url" }] });
      await expectLinkAbsent(slug);
      const edit = await call("PATCH", `/rest/v3/short-urls/${link.slug}`, { key: null, headers: shlink, body: { longUrl: url } });
      expect(edit.status).toBe(422);
      expect(await edit.json()).toMatchObject({ type: UNSAFE_DESTINATION, source });
      const rules = { redirectRules: [{ longUrl: url, conditions: [{ type: "device", matchKey: null, matchValue: "ios" }] }] };
      const set = await call("POST", `/rest/v3/short-urls/${link.slug}/redirect-rules`, { key: null, headers: shlink, body: rules });
      expect(set.status).toBe(422);
      expect(await set.json()).toMatchObject({ type: UNSAFE_DESTINATION, source, errors: [{ path: "rules.0.url" }] });
    }
    expect(await destinationOf(link.id)).toMatchObject({ url: "https://example.com/shlink", rules: [] });
  });
});

describe("the blocklist routes", () => {
  it("refuse what is not a host (422), naming the field, and add nothing", async () => {
    for (const host of ["", " ", "*", "*.", "a/b.test", "evil.test:80", "http://evil.test", "user@evil.test", "a b.test", "a%41.test", "[::1",
      "*.127.0.0.1", "*.[::1]", "a..b.test", "x".repeat(260), "**.evil.test", "evil.*.test", "256.256.256.256"]) {
      const res = await call("POST", "/api/v1/blocklist", { body: { host } });
      expect([res.status, host]).toEqual([host === "" || host.length > 300 ? 400 : 422, host]);
      const body = (await res.json()) as any;
      if (res.status === 422) expect(body.errors).toEqual([{ path: "host", message: expect.any(String) }]);
    }
  });

  it("answer 409 for a rule already there, in any spelling, and 404 for one that is not", async () => {
    const host = uniqueBlockHost();
    await blocklist.add(`*.${host}`);
    for (const again of [`*.${host}`, `*.${host.toUpperCase()}.`]) {
      const res = await call("POST", "/api/v1/blocklist", { body: { host: again } });
      expect(res.status).toBe(409);
    }
    expect((await call("DELETE", `/api/v1/blocklist/${host}`)).status).toBe(404);
    expect((await call("DELETE", `/api/v1/blocklist/${uniqueBlockHost()}`)).status).toBe(404);
    expect((await call("DELETE", "/api/v1/blocklist/a%2Fb")).status).toBe(404);
    expect((await call("GET", "/api/v1/blocklist?cursor=nope")).status).toBe(400);
  });

  it("are for admins only: other scopes get 403 and change nothing", async () => {
    const host = uniqueBlockHost();
    await blocklist.add(host);
    const { key } = await mintKey(["links:read", "links:write", "analytics:read"]);
    expect((await call("GET", "/api/v1/blocklist", { key })).status).toBe(403);
    expect((await call("POST", "/api/v1/blocklist", { key, body: { host: uniqueBlockHost() } })).status).toBe(403);
    expect((await call("DELETE", `/api/v1/blocklist/${host}`, { key })).status).toBe(403);
    expect((await call("GET", "/api/v1/blocklist", { key: null })).status).toBe(401);
    // Still blocked.
    await expectUnsafe(await call("POST", "/api/v1/links", { body: { url: `https://${host}/` } }), "blocklist", ["url"]);
  });
});
