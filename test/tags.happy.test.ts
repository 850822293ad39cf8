/**
 * The tags routes with real links and clicks: the list counts links and their rolled-up clicks per tag, a
 * rename and a removal rewrite every link that carries the tag (the other tags kept, in order), a restricted
 * key sees only its own links' tags and may rename or delete none, and each route enforces its scope.
 */
import { describe, expect, it } from "vitest";
import { createLink, mintKey } from "./helpers/api.ts";
import { withDb } from "./helpers/db.ts";
import { mintRestrictedKey } from "./helpers/restrictions.ts";
import { rollUpClicks } from "./helpers/rollups.ts";
import { tagPath, tagRows, tagsOf, uniqueTag } from "./helpers/tags.ts";
import { uniqueHost } from "./helpers/domains.ts";
import { call } from "./helpers/worker.ts";

/** An hour far in the future, so no stats test's range holds these clicks. */
const lonelyHour = () => new Date(Date.UTC(2400 + Math.floor(Math.random() * 400), Math.floor(Math.random() * 12), 1, Math.floor(Math.random() * 24)));

async function problem(res: Response, status: number) {
  expect(res.status, await res.clone().text()).toBe(status);
  expect(res.headers.get("content-type")).toBe("application/problem+json");
  return (await res.json()) as { status: number; detail: string };
}

describe("GET /api/v1/tags", () => {
  it("lists each tag with its links and their all-time clicks and human clicks", async () => {
    const [a, b] = [uniqueTag(), uniqueTag()];
    const one = await createLink({ url: "https://example.com/t1", tags: [a, b] });
    const two = await createLink({ url: "https://example.com/t2", tags: [a] });
    const ts = lonelyHour();
    await withDb((db) => rollUpClicks(db, [
      { linkId: one.id, ts, visitor: "v1" },
      { linkId: one.id, ts, visitor: "v2" },
      { linkId: one.id, ts, visitor: "v3", kind: "bot" },
      { linkId: two.id, ts, visitor: "v4" },
    ]));
    const rows = await tagRows();
    expect(rows.get(a)).toEqual({ tag: a, links: 2, clicks: 4, humans: 3 });
    expect(rows.get(b)).toEqual({ tag: b, links: 1, clicks: 3, humans: 2 });
    // Sorted by tag.
    const tags = [...rows.keys()];
    expect(tags).toEqual([...tags].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0)));
  });
});

describe("PATCH /api/v1/tags/{tag}", () => {
  it("renames the tag on every link that carries it, in place, and the links list follows", async () => {
    const [old, other, renamed] = [uniqueTag(), uniqueTag(), uniqueTag("new")];
    const one = await createLink({ url: "https://example.com/r1", tags: [other, old] });
    const two = await createLink({ url: "https://example.com/r2", tags: [old] });
    const untouched = await createLink({ url: "https://example.com/r3", tags: [other] });

    const res = await call("PATCH", tagPath(old), { body: { name: ` ${renamed} ` } });
    expect(res.status, await res.clone().text()).toBe(200);
    expect(await res.json()).toEqual({ tag: renamed, links: 2 });
    expect(await tagsOf(one.slug)).toEqual([other, renamed]);
    expect(await tagsOf(two.slug)).toEqual([renamed]);
    expect(await tagsOf(untouched.slug)).toEqual([other]);

    const listed = (await (await call("GET", `/api/v1/links?tag=${renamed}`)).json()) as { data: { id: string }[] };
    expect(listed.data.map((l) => l.id).sort()).toEqual([one.id, two.id].sort());
    const rows = await tagRows();
    expect(rows.has(old)).toBe(false);
    expect(rows.get(renamed)).toMatchObject({ links: 2 });
    // The old name is gone: renaming it again finds nothing.
    await problem(await call("PATCH", tagPath(old), { body: { name: uniqueTag() } }), 404);
  });

  it("names any tag text in the path, percent-encoded", async () => {
    const odd = `${uniqueTag()} a/b ?#%é😀`;
    const link = await createLink({ url: "https://example.com/odd", tags: [odd] });
    const renamed = `${uniqueTag()} c/d`;
    const res = await call("PATCH", tagPath(odd), { body: { name: renamed } });
    expect(res.status, await res.clone().text()).toBe(200);
    expect(await tagsOf(link.slug)).toEqual([renamed]);
    expect((await call("DELETE", tagPath(renamed))).status).toBe(204);
    expect(await tagsOf(link.slug)).toEqual([]);
  });

  it("refuses to merge into another tag in use (409), and changes nothing", async () => {
    const [a, b] = [uniqueTag(), uniqueTag()];
    const one = await createLink({ url: "https://example.com/c1", tags: [a] });
    const two = await createLink({ url: "https://example.com/c2", tags: [a, b] });
    const p = await problem(await call("PATCH", tagPath(a), { body: { name: b } }), 409);
    expect(p.detail).toContain(b);
    expect(await tagsOf(one.slug)).toEqual([a]);
    expect(await tagsOf(two.slug)).toEqual([a, b]);
  });

  it("renaming a tag to itself answers its links and writes nothing", async () => {
    const tag = uniqueTag();
    const link = await createLink({ url: "https://example.com/same", tags: [tag] });
    const res = await call("PATCH", tagPath(tag), { body: { name: tag } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ tag, links: 1 });
    const after = (await (await call("GET", `/api/v1/links/${link.slug}`)).json()) as { updatedAt: string; tags: string[] };
    expect(after).toMatchObject({ updatedAt: link.updatedAt, tags: [tag] });
  });
});

describe("DELETE /api/v1/tags/{tag}", () => {
  it("takes the tag off every link, keeps the links and their other tags, then answers 404", async () => {
    const [gone, kept] = [uniqueTag(), uniqueTag()];
    const one = await createLink({ url: "https://example.com/d1", tags: [kept, gone, `${kept}-2`] });
    const two = await createLink({ url: "https://example.com/d2", tags: [gone] });
    expect((await call("DELETE", tagPath(gone))).status).toBe(204);
    expect(await tagsOf(one.slug)).toEqual([kept, `${kept}-2`]);
    expect(await tagsOf(two.slug)).toEqual([]);
    expect((await tagRows()).has(gone)).toBe(false);
    await problem(await call("DELETE", tagPath(gone)), 404);
  });
});

describe("restricted keys", () => {
  async function domainKey() {
    const mine = uniqueHost("tg");
    const theirs = uniqueHost("tg");
    for (const hostname of [mine, theirs]) expect((await call("POST", "/api/v1/domains", { body: { hostname } })).status).toBe(201);
    return { key: (await mintRestrictedKey({ domains: [mine] })).key, mine, theirs };
  }

  it("a key restricted to a domain sees its domain's tags only, counted over its links", async () => {
    const { key, mine, theirs } = await domainKey();
    const [shared, hidden, own] = [uniqueTag(), uniqueTag(), uniqueTag()];
    await createLink({ url: "https://example.com/m", domain: mine, tags: [shared, own] });
    await createLink({ url: "https://example.com/t", domain: theirs, tags: [shared, hidden] });
    await createLink({ url: "https://example.com/default", tags: [shared, hidden] });
    const rows = await tagRows(key);
    expect(rows.get(shared)).toMatchObject({ links: 1 });
    expect(rows.get(own)).toMatchObject({ links: 1 });
    expect(rows.has(hidden)).toBe(false);
    expect((await tagRows()).get(shared)).toMatchObject({ links: 3 });
  });

  it("a key of its own links only sees the tags of the links it made", async () => {
    const { key } = await mintRestrictedKey({ ownLinksOnly: true });
    const [shared, hidden] = [uniqueTag(), uniqueTag()];
    await createLink({ url: "https://example.com/own", tags: [shared] }, key);
    await createLink({ url: "https://example.com/admin", tags: [shared, hidden] });
    const rows = await tagRows(key);
    expect(rows.get(shared)).toMatchObject({ links: 1 });
    expect(rows.has(hidden)).toBe(false);
  });

  it("may rename or delete no tag, not even one only its links carry (403), and nothing changes", async () => {
    const { key, mine } = await domainKey();
    const { key: ownKey } = await mintRestrictedKey({ ownLinksOnly: true });
    const tag = uniqueTag();
    const onDomain = await createLink({ url: "https://example.com/x", domain: mine, tags: [tag] });
    const own = await createLink({ url: "https://example.com/y", tags: [tag] }, ownKey);
    for (const k of [key, ownKey]) {
      await problem(await call("PATCH", tagPath(tag), { key: k, body: { name: uniqueTag() } }), 403);
      await problem(await call("DELETE", tagPath(tag), { key: k }), 403);
    }
    expect(await tagsOf(onDomain.slug, mine)).toEqual([tag]);
    expect(await tagsOf(own.slug)).toEqual([tag]);
  });
});

describe("scopes", () => {
  it("listing needs links:read, renaming and deleting links:write; no key is 401", async () => {
    const tag = uniqueTag();
    const link = await createLink({ url: "https://example.com/s", tags: [tag] });
    const reader = (await mintKey(["links:read"])).key;
    const writer = (await mintKey(["links:write"])).key;
    const analyst = (await mintKey(["analytics:read"])).key;

    expect((await call("GET", "/api/v1/tags", { key: reader })).status).toBe(200);
    await problem(await call("GET", "/api/v1/tags", { key: analyst }), 403);
    await problem(await call("GET", "/api/v1/tags", { key: writer }), 403);
    await problem(await call("GET", "/api/v1/tags", { key: null }), 401);
    await problem(await call("PATCH", tagPath(tag), { key: reader, body: { name: uniqueTag() } }), 403);
    await problem(await call("DELETE", tagPath(tag), { key: reader }), 403);
    await problem(await call("DELETE", tagPath(tag), { key: null }), 401);
    expect(await tagsOf(link.slug)).toEqual([tag]);

    const renamed = uniqueTag();
    expect((await call("PATCH", tagPath(tag), { key: writer, body: { name: renamed } })).status).toBe(200);
    expect((await call("DELETE", tagPath(renamed), { key: writer })).status).toBe(204);
    expect(await tagsOf(link.slug)).toEqual([]);
  });
});
