/**
 * Key restrictions (issue 14): a key limited to some domains, or to its own links, sees, creates, changes,
 * deletes and counts only those; anything else answers 404, never 403, so its existence does not leak. The
 * table of every route under every restriction is in links.security.test.ts; this file follows one key
 * through a whole story, and checks what POST /api/v1/keys accepts.
 */
import { afterAll, describe, expect, it } from "vitest";
import { createLink } from "./helpers/api.ts";
import { openDb } from "./helpers/db.ts";
import { DEFAULT_HOST, DomainFixtures, on, uniqueHost } from "./helpers/domains.ts";
import { human } from "./helpers/redirect.ts";
import { mintRestrictedKey } from "./helpers/restrictions.ts";
import { rollUpClicks } from "./helpers/rollups.ts";
import { uniqueSlug } from "./helpers/unique.ts";
import { call } from "./helpers/worker.ts";

const d = new DomainFixtures();
const { db, pool } = openDb();
afterAll(async () => {
  await d.cleanup();
  await pool.end();
});

const HOUR = 3_600_000;
/** A random week-long range far in the future: only this file's clicks are in it. */
function lonelyRange() {
  const start = Date.UTC(3000 + Math.floor(Math.random() * 5000), 0, 1);
  return { start, query: `from=${new Date(start).toISOString()}&to=${new Date(start + 48 * HOUR).toISOString()}&interval=hour` };
}
const json = async (res: Response) => {
  expect(res.status, await res.clone().text()).toBeLessThan(300);
  return res.json() as Promise<any>;
};

describe("a key restricted to one domain", () => {
  it("cannot see, create, change, delete or read stats of a link on another domain (404), and works on its own", async () => {
    const [mine, theirs] = [await d.add(), await d.add()];
    const { key } = await mintRestrictedKey({ domains: [mine.hostname.toUpperCase()] });
    const slug = uniqueSlug("dom");
    const other = await createLink({ url: "https://example.com/theirs", slug, domain: theirs.hostname });
    const onDefault = await createLink({ url: "https://example.com/default", slug });
    const as = (method: string, path: string, body?: unknown) => call(method, path, { key, body });

    for (const [method, path, body] of [
      ["GET", `/api/v1/links/${slug}?domain=${theirs.hostname}`],
      ["GET", `/api/v1/links/${slug}`],
      ["PATCH", `/api/v1/links/${slug}?domain=${theirs.hostname}`, { url: "https://example.com/hijacked" }],
      ["DELETE", `/api/v1/links/${slug}?domain=${theirs.hostname}`],
      ["DELETE", `/api/v1/links/${slug}`],
      ["GET", `/api/v1/links/${slug}/stats?domain=${theirs.hostname}`],
      ["GET", `/api/v1/links/${slug}/stats`],
      ["POST", "/api/v1/links", { url: "https://example.com/x", domain: theirs.hostname }],
      ["POST", "/api/v1/links", { url: "https://example.com/x" }],
      ["GET", `/api/v1/links?domain=${theirs.hostname}`],
      ["GET", `/api/v1/stats?domain=${theirs.hostname}`],
    ] as [string, string, unknown?][]) {
      const res = await as(method, path, body);
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.headers.get("content-type")).toBe("application/problem+json");
    }
    // Nothing changed, and an unknown domain answers exactly as a forbidden one.
    expect(await json(await call("GET", `/api/v1/links/${slug}?domain=${theirs.hostname}`))).toMatchObject({ id: other.id, url: "https://example.com/theirs" });
    expect(await json(await call("GET", `/api/v1/links/${slug}`))).toMatchObject({ id: onDefault.id });
    const unknown = (await (await as("GET", `/api/v1/links/${slug}?domain=${uniqueHost()}`)).json()) as any;
    const forbidden = (await (await as("GET", `/api/v1/links/${slug}?domain=${theirs.hostname}`)).json()) as any;
    expect(Object.keys(unknown).sort()).toEqual(Object.keys(forbidden).sort());
    expect([unknown.status, unknown.title]).toEqual([forbidden.status, forbidden.title]);

    // On its own domain it works: the same slug is free there.
    const own = await json(await as("POST", "/api/v1/links", { url: "https://example.com/mine", slug, domain: mine.hostname }));
    expect(own).toMatchObject({ domain: mine.hostname, shortUrl: `http://${mine.hostname}/${slug}` });
    expect((await call("GET", on(mine.hostname, `/${slug}`), human())).headers.get("location")).toBe("https://example.com/mine");
    expect(await json(await as("PATCH", `/api/v1/links/${slug}?domain=${mine.hostname}`, { title: "mine" }))).toMatchObject({ id: own.id, title: "mine" });
    // It cannot move its link to a domain it may not use.
    expect((await as("PATCH", `/api/v1/links/${slug}?domain=${mine.hostname}`, { domain: theirs.hostname })).status).toBe(404);
    expect((await as("PATCH", `/api/v1/links/${slug}?domain=${mine.hostname}`, { domain: null })).status).toBe(404);
    const listed = await json(await as("GET", `/api/v1/links?q=${slug}`));
    expect(listed.data.map((l: any) => l.id)).toEqual([own.id]);

    // Stats over all links: its domain's only.
    const { start, query } = lonelyRange();
    await rollUpClicks(db, [
      { linkId: own.id, ts: new Date(start + HOUR), visitor: "a" },
      { linkId: other.id, ts: new Date(start + HOUR), visitor: "b" },
      { linkId: other.id, ts: new Date(start + 2 * HOUR), visitor: "c" },
      { linkId: onDefault.id, ts: new Date(start + 2 * HOUR), visitor: "d" },
    ]);
    const stats = await json(await as("GET", `/api/v1/stats?${query}`));
    expect(stats.totals).toMatchObject({ clicks: 1, humans: 1 });
    expect(stats.topLinks).toEqual([{ slug, domain: mine.hostname, linkId: own.id, clicks: 1 }]);
    expect((await json(await call("GET", `/api/v1/stats?${query}`))).totals.clicks).toBe(4);
    expect((await json(await call("GET", `/api/v1/stats?${query}&domain=${theirs.hostname}`))).totals.clicks).toBe(2);
    expect((await json(await as("GET", `/api/v1/links/${slug}/stats?domain=${mine.hostname}&${query}`))).totals.clicks).toBe(1);
    await call("DELETE", `/api/v1/links/${slug}`);
  });
});

describe("a key that sees only its own links", () => {
  it("lists, reads and counts only the links it created", async () => {
    const mine = await mintRestrictedKey({ ownLinksOnly: true });
    const tag = uniqueSlug("own");
    const own = await createLink({ url: "https://example.com/own", tags: [tag] }, mine.key);
    const admins = await createLink({ url: "https://example.com/admins", tags: [tag] });
    const others = await createLink({ url: "https://example.com/others", tags: [tag] }, (await mintRestrictedKey({})).key);
    const as = (method: string, path: string, body?: unknown) => call(method, path, { key: mine.key, body });

    expect((await json(await as("GET", `/api/v1/links?tag=${tag}`))).data.map((l: any) => l.id)).toEqual([own.id]);
    expect((await json(await call("GET", `/api/v1/links?tag=${tag}`))).data).toHaveLength(3);
    for (const link of [admins, others]) {
      expect((await as("GET", `/api/v1/links/${link.slug}`)).status).toBe(404);
      expect((await as("PATCH", `/api/v1/links/${link.slug}`, { title: "x" })).status).toBe(404);
      expect((await as("DELETE", `/api/v1/links/${link.slug}`)).status).toBe(404);
      expect((await as("GET", `/api/v1/links/${link.slug}/stats`)).status).toBe(404);
    }
    expect((await as("GET", `/api/v1/links/${own.slug}`)).status).toBe(200);

    const { start, query } = lonelyRange();
    await rollUpClicks(db, [
      { linkId: own.id, ts: new Date(start), visitor: "a" },
      { linkId: own.id, ts: new Date(start + HOUR), visitor: "b", kind: "bot" },
      { linkId: admins.id, ts: new Date(start), visitor: "c" },
      { linkId: others.id, ts: new Date(start), visitor: "d" },
    ]);
    const stats = await json(await as("GET", `/api/v1/stats?${query}&bots=include`));
    expect(stats.totals).toMatchObject({ clicks: 2, humans: 1, bots: 1 });
    expect(stats.topLinks.map((t: any) => t.linkId)).toEqual([own.id]);
    expect((await json(await call("GET", `/api/v1/stats?${query}&bots=include`))).totals.clicks).toBe(4);
    for (const link of [own, admins, others]) await call("DELETE", `/api/v1/links/${link.slug}`);
  });
});

describe("POST /api/v1/keys with restrictions", () => {
  it("stores them, shows them in the list, and refuses unknown domains and restricted admin keys (422)", async () => {
    const a = await d.add();
    const key = await mintRestrictedKey({ domains: [a.hostname, DEFAULT_HOST, a.hostname], ownLinksOnly: true });
    expect(key).toMatchObject({ domains: [a.hostname, DEFAULT_HOST], ownLinksOnly: true });
    const { data } = await json(await call("GET", "/api/v1/keys"));
    expect(data.find((k: any) => k.id === key.id)).toMatchObject({ domains: [a.hostname, DEFAULT_HOST], ownLinksOnly: true });
    expect(data.find((k: any) => k.domains === null && k.ownLinksOnly === false)).toBeTruthy();

    const refused = async (body: Record<string, unknown>, path: string) => {
      const res = await call("POST", "/api/v1/keys", { body: { name: "r", scopes: ["links:read"], ...body } });
      expect(res.status).toBe(422);
      expect(((await res.json()) as any).errors.map((e: any) => e.path)).toEqual([path]);
    };
    await refused({ domains: [uniqueHost()] }, "domains.0");
    await refused({ domains: [a.hostname], scopes: ["admin"] }, "domains");
    await refused({ ownLinksOnly: true, scopes: ["admin", "links:read"] }, "ownLinksOnly");
    for (const domains of [[], ["not a host"], "x", [1]]) {
      expect((await call("POST", "/api/v1/keys", { body: { name: "r", scopes: ["links:read"], domains } })).status).toBe(400);
    }
  });
});
