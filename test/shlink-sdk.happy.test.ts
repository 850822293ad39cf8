/**
 * The Shlink face (issue 18), driven by Shlink's own client: every call of @shlinkio/shlink-js-sdk's
 * ShlinkApiClient goes through the SDK (its FetchHttpClient, handed a fetch that calls the Worker in workerd),
 * so the paths, query encoding (`tags[]=`, `orderBy=field-DIR`), bodies and answer shapes are the SDK's, not
 * ours. Short URLs here; visits, tags, errors, keys, health and CORS (the one thing the SDK does not do itself,
 * a browser does, so it is checked with plain requests) in shlink-sdk-visits.happy.test.ts.
 */
import { afterAll, describe, expect, it } from "vitest";
import { ErrorType } from "@shlinkio/shlink-js-sdk/api-contract";
import { DomainFixtures, on } from "./helpers/domains.ts";
import { human, visitor } from "./helpers/redirect.ts";
import { shlinkSdk } from "./helpers/shlink-sdk.ts";
import { uniqueSlug } from "./helpers/unique.ts";
import { BASE, call } from "./helpers/worker.ts";

const d = new DomainFixtures();
afterAll(() => d.cleanup());
const { admin, inDays, rejection, created } = shlinkSdk(d);

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
