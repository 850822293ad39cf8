/**
 * The Shlink face (issue 18), driven by Shlink's own client: every call of @shlinkio/shlink-js-sdk's
 * ShlinkApiClient goes through the SDK (its FetchHttpClient, handed a fetch that calls the Worker in workerd),
 * so the paths, query encoding (`tags[]=`, `orderBy=field-DIR`), bodies and answer shapes are the SDK's, not
 * ours. Only CORS, which the SDK does not do itself (a browser does), is checked with plain requests.
 */
import { afterAll, describe, expect, it } from "vitest";
import { ShlinkApiClient } from "@shlinkio/shlink-js-sdk";
import { ErrorType, type ShlinkApiClient as ShlinkClient, type ShlinkShortUrl } from "@shlinkio/shlink-js-sdk/api-contract";
import { FetchHttpClient } from "@shlinkio/shlink-js-sdk/fetch";
import { mintKey } from "./helpers/api.ts";
import { DomainFixtures, on } from "./helpers/domains.ts";
import { ADMIN_KEY } from "./helpers/env.ts";
import { flush } from "./helpers/ingest.ts";
import { human, visitor } from "./helpers/redirect.ts";
import { uniqueSlug } from "./helpers/unique.ts";
import { BASE, call } from "./helpers/worker.ts";

const d = new DomainFixtures();
afterAll(() => d.cleanup());

/** The SDK's fetch: each request through the Worker's fetch handler, with its waitUntil work done. */
const workerFetch: typeof fetch = async (input, init) => {
  const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
  return call(init?.method ?? "GET", url, {
    key: null,
    headers: (init?.headers ?? {}) as Record<string, string>,
    raw: (init?.body ?? undefined) as BodyInit | undefined,
  });
};
// Typed as the SDK's contract: the class's own declarations lose their parameter types under this compiler.
const sdk = (apiKey = ADMIN_KEY): ShlinkClient => new ShlinkApiClient(new FetchHttpClient(workerFetch), { baseUrl: BASE, apiKey });
const admin = sdk();

const BOT = visitor({ "user-agent": "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)" });
const inDays = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().replace(/\.\d{3}Z$/, "+00:00");

/** The SDK throws the problem body of any non-2xx answer. */
async function rejection(p: Promise<unknown>): Promise<Record<string, any>> {
  try {
    await p;
  } catch (e) {
    return e as Record<string, any>;
  }
  throw new Error("expected the SDK call to fail");
}

/** Creates through the SDK and registers the link for cleanup (by its id, read through our API). */
async function created(data: Parameters<typeof admin.createShortUrl>[0], client = admin): Promise<ShlinkShortUrl> {
  const s = await client.createShortUrl(data);
  const res = await call("GET", `/api/v1/links/${s.shortCode}${s.domain ? `?domain=${s.domain}` : ""}`);
  d.links.add(((await res.json()) as { id: string }).id);
  return s;
}

describe("short URLs through the SDK", () => {
  it("creates with a custom slug, tags, title, limits and dates, and our API shows the same link", async () => {
    const slug = uniqueSlug("sdk");
    const tag = uniqueSlug("tag");
    const until = inDays(30);
    const s = await created({
      longUrl: "https://example.com/sdk?x=1",
      customSlug: slug,
      tags: [tag, "shared-sdk"],
      title: "From the SDK",
      maxVisits: 5,
      validUntil: until,
      crawlable: true,
    });
    expect(s).toMatchObject({
      shortCode: slug,
      shortUrl: `${BASE}/${slug}`,
      longUrl: "https://example.com/sdk?x=1",
      tags: [tag, "shared-sdk"],
      title: "From the SDK",
      domain: null,
      crawlable: true,
      forwardQuery: true,
      hasRedirectRules: false,
      meta: { maxVisits: 5, validSince: null, validUntil: until },
      visitsSummary: { total: 0, nonBots: 0, bots: 0 },
    });
    expect(s.dateCreated).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+00:00$/);

    const ours = (await (await call("GET", `/api/v1/links/${slug}`)).json()) as Record<string, unknown>;
    expect(ours).toMatchObject({ slug, url: s.longUrl, title: "From the SDK", tags: [tag, "shared-sdk"], maxClicks: 5, crawlable: true, forwardQuery: true });
    expect(Date.parse(ours.expiresAt as string)).toBe(Date.parse(until));
    expect(await admin.getShortUrl({ shortCode: slug })).toEqual(s);

    // crawlable: robots.txt allows it, and only it of these.
    const robots = await (await call("GET", "/robots.txt", { key: null })).text();
    expect(robots).toContain(`Allow: /${slug}\n`);
    expect(robots).toMatch(/Disallow: \/\n$/);
  });

  it("makes random short codes of the length asked, and findIfExists returns the existing link", async () => {
    const url = `https://example.com/${uniqueSlug("find")}`;
    const a = await created({ longUrl: url, shortCodeLength: 12 });
    expect(a.shortCode).toMatch(/^[A-Za-z0-9]{12}$/);
    expect((await admin.createShortUrl({ longUrl: url, findIfExists: true })).shortCode).toBe(a.shortCode);
    // Different options than the existing one: a new link.
    const b = await created({ longUrl: url, findIfExists: true, tags: ["other"] });
    expect(b.shortCode).not.toBe(a.shortCode);
    expect((await admin.createShortUrl({ longUrl: url, findIfExists: true, tags: ["other"] })).shortCode).toBe(b.shortCode);
  });

  it("creates on a custom domain and reads it there", async () => {
    const { hostname } = await d.add();
    const slug = uniqueSlug("dom");
    const s = await created({ longUrl: "https://example.com/on-domain", customSlug: slug, domain: hostname });
    expect(s).toMatchObject({ domain: hostname, shortUrl: `http://${hostname}/${slug}` });
    expect(await admin.getShortUrl({ shortCode: slug, domain: hostname })).toMatchObject({ shortCode: slug, domain: hostname });
    // The same code on the default domain is another (missing) short URL.
    expect(await rejection(admin.getShortUrl({ shortCode: slug }))).toMatchObject({ type: ErrorType.INVALID_SHORTCODE, shortCode: slug });
    const res = await call("GET", on(hostname, `/${slug}`), human());
    expect(res.headers.get("location")).toBe("https://example.com/on-domain");

    const domains = await admin.listDomains();
    expect(domains.data[0]).toMatchObject({ domain: "sho.rt", isDefault: true });
    expect(domains.data).toContainEqual({
      domain: hostname, isDefault: false, redirects: { baseUrlRedirect: null, regular404Redirect: null, invalidShortUrlRedirect: null },
    });
    expect(
      await admin.editDomainRedirects({ domain: hostname, baseUrlRedirect: "https://example.com/home", invalidShortUrlRedirect: "https://example.com/404" }),
    ).toEqual({ baseUrlRedirect: "https://example.com/home", regular404Redirect: null, invalidShortUrlRedirect: "https://example.com/404" });
    expect((await call("GET", on(hostname, "/"), human())).headers.get("location")).toBe("https://example.com/home");
    expect((await call("GET", on(hostname, "/nothing-here"), human())).headers.get("location")).toBe("https://example.com/404");
  });

  it("lists with search, tags (any and all), pagination and order", async () => {
    const tag = uniqueSlug("list");
    const other = uniqueSlug("list2");
    const slugs = [`${tag}-b`, `${tag}-a`, `${tag}-c`];
    await created({ longUrl: "https://example.com/l1", customSlug: slugs[0], tags: [tag], title: "zeta" });
    await created({ longUrl: "https://example.com/l2", customSlug: slugs[1], tags: [tag, other], title: "alpha" });
    await created({ longUrl: "https://example.com/l3", customSlug: slugs[2], tags: [other], title: "mid" });

    const any = await admin.listShortUrls({ tags: [tag, other], tagsMode: "any", orderBy: { field: "shortCode", dir: "ASC" } });
    expect(any.data.map((s) => s.shortCode)).toEqual([`${tag}-a`, `${tag}-b`, `${tag}-c`]);
    expect(any.pagination).toMatchObject({ currentPage: 1, pagesCount: 1, totalItems: 3 });
    const all = await admin.listShortUrls({ tags: [tag, other], tagsMode: "all" });
    expect(all.data.map((s) => s.shortCode)).toEqual([`${tag}-a`]);

    const page2 = await admin.listShortUrls({ tags: [tag, other], itemsPerPage: 2, page: "2", orderBy: { field: "title", dir: "DESC" } });
    expect(page2.data.map((s) => s.title)).toEqual(["alpha"]);
    expect(page2.pagination).toEqual({ currentPage: 2, pagesCount: 2, itemsPerPage: 2, itemsInCurrentPage: 1, totalItems: 3 });

    const searched = await admin.listShortUrls({ searchTerm: `${tag}-c` });
    expect(searched.data.map((s) => s.shortCode)).toEqual([`${tag}-c`]);
    const newest = await admin.listShortUrls({ tags: [tag, other], orderBy: { field: "dateCreated", dir: "DESC" } });
    expect(newest.data.map((s) => s.shortCode)).toEqual([`${tag}-c`, `${tag}-a`, `${tag}-b`]);
  });

  it("edits (forwardQuery off, validSince, tags, limits cleared) and the redirect follows; deletes", async () => {
    const slug = uniqueSlug("edit");
    await created({ longUrl: "https://example.com/edit", customSlug: slug, maxVisits: 3, tags: ["x"] });
    expect((await call("GET", `/${slug}?utm_source=a`, human())).headers.get("location")).toBe("https://example.com/edit?utm_source=a");

    const edited = await admin.updateShortUrl({ shortCode: slug }, { forwardQuery: false, maxVisits: null, tags: [], title: "Edited", longUrl: "https://example.com/edited" });
    expect(edited).toMatchObject({ forwardQuery: false, meta: { maxVisits: null }, tags: [], title: "Edited", longUrl: "https://example.com/edited" });
    expect((await call("GET", `/${slug}?utm_source=a`, human())).headers.get("location")).toBe("https://example.com/edited");

    const since = inDays(1);
    await admin.updateShortUrl({ shortCode: slug }, { validSince: since });
    expect((await call("GET", `/${slug}`, human())).status).toBe(404);
    expect((await admin.getShortUrl({ shortCode: slug })).meta.validSince).toBe(since);
    await admin.updateShortUrl({ shortCode: slug }, { validSince: null });
    expect((await call("GET", `/${slug}`, human())).status).toBe(302);

    await admin.deleteShortUrl({ shortCode: slug });
    expect((await call("GET", `/${slug}`, human())).status).toBe(404);
    expect((await call("GET", `/api/v1/links/${slug}`)).status).toBe(404);
    expect(await rejection(admin.deleteShortUrl({ shortCode: slug }))).toMatchObject({ status: 404, type: ErrorType.INVALID_SHORTCODE });
  });

  it("sets and gets redirect rules, which the redirect then applies", async () => {
    const slug = uniqueSlug("rules");
    await created({ longUrl: "https://example.com/default", customSlug: slug });
    const set = await admin.setShortUrlRedirectRules(
      { shortCode: slug },
      {
        redirectRules: [
          { longUrl: "https://example.com/de", conditions: [{ type: "query-param", matchKey: "lang", matchValue: "de" }] },
          { longUrl: "https://example.com/android", conditions: [{ type: "device", matchKey: null, matchValue: "android" }] },
        ],
      },
    );
    expect(set).toEqual({
      defaultLongUrl: "https://example.com/default",
      redirectRules: [
        { longUrl: "https://example.com/de", priority: 1, conditions: [{ type: "query-param", matchKey: "lang", matchValue: "de" }] },
        { longUrl: "https://example.com/android", priority: 2, conditions: [{ type: "device", matchKey: null, matchValue: "android" }] },
      ],
    });
    expect(await admin.getShortUrlRedirectRules({ shortCode: slug })).toEqual(set);
    expect((await admin.getShortUrl({ shortCode: slug })).hasRedirectRules).toBe(true);
    expect((await call("GET", `/${slug}?lang=de`, human())).headers.get("location")).toBe("https://example.com/de?lang=de");
    const android = visitor({ "user-agent": "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36" });
    expect((await call("GET", `/${slug}`, android)).headers.get("location")).toBe("https://example.com/android");
    expect((await call("GET", `/${slug}`, human())).headers.get("location")).toBe("https://example.com/default");

    const bad = await rejection(
      admin.setShortUrlRedirectRules({ shortCode: slug }, { redirectRules: [{ longUrl: "https://example.com/x", conditions: [{ type: "device", matchKey: null, matchValue: "toaster" }] }] }),
    );
    expect(bad).toMatchObject({ status: 400, type: ErrorType.INVALID_ARGUMENT, invalidElements: ["redirectRules"] });
  });
});

describe("visits through the SDK", () => {
  it("counts a link's clicks once in both faces, bots apart, and pages raw visits newest first", async () => {
    const tag = uniqueSlug("vt");
    const slug = uniqueSlug("visits");
    await created({ longUrl: "https://example.com/visited", customSlug: slug, tags: [tag] });
    await call("GET", `/${slug}?from=first`, human({ referer: "https://news.example/" }));
    await call("GET", `/${slug}`, BOT);
    await call("GET", `/${slug}?from=third`, human());
    expect((await flush()).status).toBe(200);

    const s = await admin.getShortUrl({ shortCode: slug });
    expect(s.visitsSummary).toEqual({ total: 3, nonBots: 2, bots: 1 });
    const ours = (await (await call("GET", `/api/v1/links/${slug}`)).json()) as { clicks: number };
    expect(ours.clicks).toBe(2);
    const stats = (await (await call("GET", `/api/v1/links/${slug}/stats?bots=include`)).json()) as { totals: Record<string, number> };
    expect(stats.totals).toMatchObject({ clicks: 3, humans: 2, bots: 1 });

    const visits = await admin.getShortUrlVisits({ shortCode: slug });
    expect(visits.data).toHaveLength(3);
    expect(visits.data.map((v) => v.potentialBot)).toEqual([false, true, false]);
    expect(visits.data[0]).toMatchObject({ visitedUrl: `${BASE}/${slug}?from=third`, redirectUrl: "https://example.com/visited", referer: "" });
    expect(visits.data[2]).toMatchObject({ referer: "https://news.example/", visitedUrl: `${BASE}/${slug}?from=first` });
    expect(visits.data[0].date).toMatch(/\+00:00$/);

    const humans = await admin.getShortUrlVisits({ shortCode: slug }, { excludeBots: true });
    expect(humans.data.every((v) => !v.potentialBot)).toBe(true);
    expect(humans.pagination.totalItems).toBe(2);
    const second = await admin.getShortUrlVisits({ shortCode: slug }, { itemsPerPage: 2, page: 2 });
    expect(second.data).toHaveLength(1);
    expect(second.pagination).toEqual({ currentPage: 2, pagesCount: 2, itemsPerPage: 2, itemsInCurrentPage: 1, totalItems: 3 });
    const none = await admin.getShortUrlVisits({ shortCode: slug }, { startDate: inDays(1) });
    expect(none.data).toEqual([]);

    expect((await admin.getTagVisits(tag)).pagination.totalItems).toBe(3);
    expect((await admin.getDomainVisits("DEFAULT", { itemsPerPage: 5000 })).data.length).toBeGreaterThanOrEqual(3);
    expect((await admin.getNonOrphanVisits({ itemsPerPage: 1 })).data).toHaveLength(1);
    expect(await admin.getOrphanVisits()).toEqual({ data: [], pagination: { currentPage: 1, pagesCount: 1, itemsPerPage: 0, itemsInCurrentPage: 0, totalItems: 0 } });
    expect(await admin.deleteOrphanVisits()).toEqual({ deletedVisits: 0 });
    expect(await rejection(admin.deleteShortUrlVisits({ shortCode: slug }))).toMatchObject({ status: 501 });

    const overview = await admin.getVisitsOverview();
    expect(overview.nonOrphanVisits.total).toBeGreaterThanOrEqual(3);
    expect(overview.nonOrphanVisits.total).toBe(overview.nonOrphanVisits.nonBots + overview.nonOrphanVisits.bots);
    expect(overview.orphanVisits).toEqual({ total: 0, nonBots: 0, bots: 0 });

    const tagStats = (await admin.tagsStats()).data.find((t) => t.tag === tag);
    expect(tagStats).toEqual({ tag, shortUrlsCount: 1, visitsSummary: { total: 3, nonBots: 2, bots: 1 } });
    const visitsOrder = await admin.listShortUrls({ tags: [tag], orderBy: { field: "visits", dir: "DESC" } });
    expect(visitsOrder.data[0].visitsSummary.total).toBe(3);
  });
});

describe("tags through the SDK", () => {
  it("lists, renames and deletes tags across the links that carry them", async () => {
    const [t1, t2, t3] = [uniqueSlug("ta"), uniqueSlug("tb"), uniqueSlug("tc")];
    const a = await created({ longUrl: "https://example.com/t1", tags: [t1, t2] });
    const b = await created({ longUrl: "https://example.com/t2", tags: [t1] });
    expect(await admin.listTags()).toMatchObject({ data: expect.arrayContaining([t1, t2]) });
    expect((await admin.tagsStats()).data.filter((t) => t.tag === t1 || t.tag === t2).map((t) => [t.tag, t.shortUrlsCount]).sort()).toEqual(
      [[t1, 2], [t2, 1]].sort(),
    );

    expect(await admin.editTag({ oldName: t1, newName: t3 })).toEqual({ oldName: t1, newName: t3 });
    expect((await admin.getShortUrl({ shortCode: a.shortCode })).tags).toEqual([t3, t2]);
    expect((await admin.getShortUrl({ shortCode: b.shortCode })).tags).toEqual([t3]);
    expect(await rejection(admin.editTag({ oldName: t1, newName: "whatever" }))).toMatchObject({ status: 404, type: ErrorType.TAG_NOT_FOUND, tag: t1 });
    expect(await rejection(admin.editTag({ oldName: t3, newName: t2 }))).toMatchObject({ status: 409, type: ErrorType.TAG_CONFLICT, oldName: t3, newName: t2 });

    await admin.deleteTags([t2, t3]);
    expect((await admin.getShortUrl({ shortCode: a.shortCode })).tags).toEqual([]);
    expect((await admin.listTags()).data).not.toContain(t3);
    expect(await rejection(admin.getTagVisits(t3))).toMatchObject({ status: 404, type: ErrorType.TAG_NOT_FOUND });
  });
});

describe("errors, keys, health and CORS", () => {
  it("answers Shlink's error types with their extra fields", async () => {
    const slug = uniqueSlug("dup");
    await created({ longUrl: "https://example.com/dup", customSlug: slug });
    expect(await rejection(admin.createShortUrl({ longUrl: "https://example.com/dup2", customSlug: slug }))).toMatchObject({
      status: 400, type: ErrorType.INVALID_SLUG, title: "Invalid custom slug", customSlug: slug,
    });
    const invalid = await rejection(admin.createShortUrl({ longUrl: "not a url", maxVisits: -1 }));
    expect(invalid).toMatchObject({ status: 400, type: ErrorType.INVALID_ARGUMENT, title: "Invalid data" });
    expect([...invalid.invalidElements].sort()).toEqual(["longUrl", "maxVisits"]);
    expect(await rejection(admin.createShortUrl({ longUrl: "https://example.com/", shortCodeLength: 3 }))).toMatchObject({
      type: ErrorType.INVALID_ARGUMENT, invalidElements: ["shortCodeLength"],
    });
    expect(await rejection(admin.getShortUrl({ shortCode: "no-such-code-here" }))).toMatchObject({
      status: 404, type: ErrorType.INVALID_SHORTCODE, title: "Short URL not found", shortCode: "no-such-code-here",
    });
    expect(await rejection(admin.getDomainVisits("unknown.example.test"))).toMatchObject({ status: 404, type: ErrorType.DOMAIN_NOT_FOUND, authority: "unknown.example.test" });
    expect(await rejection(admin.mercureInfo())).toMatchObject({ status: 501, type: ErrorType.MERCURE_NOT_CONFIGURED });
    expect(await rejection(sdk("emu_" + "x".repeat(32)).listShortUrls())).toMatchObject({ status: 401, type: ErrorType.INVALID_API_KEY });
    expect(await rejection(sdk("").listShortUrls())).toMatchObject({ status: 401, type: ErrorType.INVALID_AUTHORIZATION });
  });

  it("applies a key's scopes and restrictions", async () => {
    const reader = await mintKey(["links:read"]);
    const readOnly = sdk(reader.key);
    expect(Array.isArray((await readOnly.listShortUrls()).data)).toBe(true);
    expect(await rejection(readOnly.createShortUrl({ longUrl: "https://example.com/nope" }))).toMatchObject({ status: 403 });
    expect(await rejection(readOnly.getVisitsOverview())).toMatchObject({ status: 403 });

    const { hostname } = await d.add();
    const res = await call("POST", "/api/v1/keys", { body: { name: "shlink restricted", scopes: ["links:read", "links:write", "analytics:read"], domains: [hostname] } });
    const restricted = sdk(((await res.json()) as { key: string }).key);
    const mine = await created({ longUrl: "https://example.com/mine", domain: hostname }, restricted);
    const theirs = await created({ longUrl: "https://example.com/theirs", customSlug: uniqueSlug("theirs") });
    expect((await restricted.listShortUrls({ itemsPerPage: -1 })).data.map((s) => s.shortCode)).toEqual([mine.shortCode]);
    expect(await rejection(restricted.getShortUrl({ shortCode: theirs.shortCode }))).toMatchObject({ status: 404, type: ErrorType.INVALID_SHORTCODE });
    expect((await restricted.listDomains()).data.map((x) => x.domain)).toEqual([hostname]);
    expect(await rejection(restricted.editTag({ oldName: "a", newName: "b" }))).toMatchObject({ status: 403, type: ErrorType.FORBIDDEN_OPERATION });
  });

  it("reports health with and without the /v3 prefix, and answers CORS", async () => {
    expect(await admin.health()).toMatchObject({ status: "pass", version: expect.stringMatching(/^4\./) });
    const bare = await call("GET", "/rest/health", { key: null });
    expect(bare.status).toBe(200);
    expect(await bare.json()).toMatchObject({ status: "pass" });

    const preflight = await call("OPTIONS", "/rest/v3/short-urls", {
      key: null,
      headers: { origin: "https://app.shlink.io", "access-control-request-method": "POST", "access-control-request-headers": "x-api-key,content-type" },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("*");
    expect(preflight.headers.get("access-control-allow-headers")?.toLowerCase()).toContain("x-api-key");
    expect(preflight.headers.get("access-control-allow-methods")).toContain("PATCH");

    const ok = await call("GET", "/rest/v3/tags", { key: null, headers: { origin: "https://app.shlink.io", "x-api-key": ADMIN_KEY } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get("access-control-allow-origin")).toBe("*");
    const refused = await call("GET", "/rest/v3/tags", { key: null, headers: { origin: "https://app.shlink.io" } });
    expect(refused.status).toBe(401);
    expect(refused.headers.get("access-control-allow-origin")).toBe("*");
    // Our own API is not opened to other origins by this.
    const api = await call("GET", "/api/v1/links", { headers: { origin: "https://app.shlink.io" } });
    expect(api.headers.get("access-control-allow-origin")).toBeNull();
  });
});
