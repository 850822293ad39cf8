/**
 * The Shlink face (issue 18) beyond short URLs, driven by Shlink's own client as in shlink-sdk.happy.test.ts
 * (helpers/shlink-sdk.ts): visits, tags, Shlink's error types, a key's scopes and restrictions, health; only
 * CORS, which the SDK does not do itself (a browser does), is checked with plain requests.
 */
import { afterAll, describe, expect, it } from "vitest";
import { ErrorType } from "@shlinkio/shlink-js-sdk/api-contract";
import { mintKey } from "./helpers/api.ts";
import { DomainFixtures } from "./helpers/domains.ts";
import { ADMIN_KEY } from "./helpers/env.ts";
import { flush } from "./helpers/ingest.ts";
import { human, visitor } from "./helpers/redirect.ts";
import { shlinkSdk } from "./helpers/shlink-sdk.ts";
import { uniqueSlug } from "./helpers/unique.ts";
import { BASE, call } from "./helpers/worker.ts";

const d = new DomainFixtures();
afterAll(() => d.cleanup());
const { sdk, admin, inDays, rejection, created } = shlinkSdk(d);

const BOT = visitor({ "user-agent": "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)" });

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
