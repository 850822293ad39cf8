/**
 * Known clicks in, exact numbers out: GET /api/v1/links/{slug}/stats and GET /api/v1/stats read from the real
 * rollups. The all-links rows are shared by every test that rolls clicks up, so the GET /api/v1/stats test
 * counts in a random week far in the future that nothing else writes to.
 */
import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { randomBase62 } from "../functions/shared/crypto.ts";
import { getJson, makeLink } from "./helpers/analytics.ts";
import { openDb } from "./helpers/db.ts";
import { rollUpClicks, type ClickSpec } from "./helpers/rollups.ts";

const { db, pool } = openDb();
afterAll(() => pool.end());

const stats = (slug: string, q: string) => getJson(`/api/v1/links/${slug}/stats?${q}`);

describe("GET /api/v1/links/{slug}/stats", () => {
  it("counts totals, uniques, the time series and every dimension exactly", async () => {
    const { id, slug } = await makeLink(db);
    const base = { linkId: id, referrerHost: "google.com", country: "DE", city: "Berlin", device: "desktop", browser: "Chrome", os: "Windows", utmSource: "newsletter", utmMedium: "email", utmCampaign: "spring" };
    await rollUpClicks(db, [
      { ...base, ts: "2026-02-10T10:15:00Z", visitor: "v1" },
      { ...base, ts: "2026-02-10T10:40:00Z", visitor: "v1" }, // same visitor-day: not a new unique
      { linkId: id, ts: "2026-02-10T11:05:00Z", visitor: "v2", country: "US", city: "Boston", device: "mobile", browser: "Safari", os: "iOS" },
      { linkId: id, ts: "2026-02-10T11:30:00Z", visitor: "v3", kind: "bot", referrerHost: "crawler.example" },
      { linkId: id, ts: "2026-02-10T12:00:00Z", visitor: "v4", kind: "preview" },
      { ...base, ts: "2026-02-11T09:00:00Z", visitor: "v1" }, // a new UTC day: a new visitor-day
      { ...base, ts: "2026-02-12T09:00:00Z", visitor: "v9" }, // outside the range below
    ]);
    const s = await stats(slug, "from=2026-02-10&to=2026-02-11&interval=day");
    expect(s).toMatchObject({
      from: "2026-02-10T00:00:00.000Z",
      to: "2026-02-12T00:00:00.000Z",
      interval: "day",
      tz: "UTC",
      bots: "exclude",
      totals: { clicks: 4, humans: 4, bots: 1, previews: 1, uniques: 3 },
      timeseries: [
        { t: "2026-02-10T00:00:00+00:00", clicks: 3, humans: 3, uniques: 2 },
        { t: "2026-02-11T00:00:00+00:00", clicks: 1, humans: 1, uniques: 1 },
      ],
      referrers: [{ value: "google.com", clicks: 3 }, { value: null, clicks: 1 }],
      countries: [{ value: "DE", clicks: 3 }, { value: "US", clicks: 1 }],
      cities: [{ value: "Berlin", clicks: 3 }, { value: "Boston", clicks: 1 }],
      devices: [{ value: "desktop", clicks: 3 }, { value: "mobile", clicks: 1 }],
      browsers: [{ value: "Chrome", clicks: 3 }, { value: "Safari", clicks: 1 }],
      os: [{ value: "Windows", clicks: 3 }, { value: "iOS", clicks: 1 }],
      utmSources: [{ value: "newsletter", clicks: 3 }, { value: null, clicks: 1 }],
      utmMediums: [{ value: "email", clicks: 3 }, { value: null, clicks: 1 }],
      utmCampaigns: [{ value: "spring", clicks: 3 }, { value: null, clicks: 1 }],
    });
    expect(s).not.toHaveProperty("topLinks");
  });

  it("zero-fills empty buckets and picks hour buckets for ranges up to 2 days", async () => {
    const { id, slug } = await makeLink(db);
    await rollUpClicks(db, [{ linkId: id, ts: "2026-02-10T03:59:59Z", visitor: "a" }]);
    const s = await stats(slug, "from=2026-02-10T00:00:00Z&to=2026-02-10T06:00:00Z");
    expect(s.interval).toBe("hour");
    expect(s.timeseries.map((p: any) => p.clicks)).toEqual([0, 0, 0, 1, 0, 0]);
    expect(s.timeseries[3].t).toBe("2026-02-10T03:00:00+00:00");
    const long = await stats(slug, "from=2026-02-01&to=2026-02-28");
    expect(long.interval).toBe("day");
    expect(long.timeseries).toHaveLength(28);
    expect(long.timeseries.filter((p: any) => p.clicks).map((p: any) => p.t)).toEqual(["2026-02-10T00:00:00+00:00"]);
  });

  it("reads whole days from the daily rollup and the partial days at the edges from the hourly one", async () => {
    const { id, slug } = await makeLink(db);
    const at = (ts: string, country: string): ClickSpec => ({ linkId: id, ts, visitor: ts, country });
    await rollUpClicks(db, [
      at("2026-02-09T21:30:00Z", "AA"), // before the range
      at("2026-02-09T22:10:00Z", "BB"), // first (partial) day
      at("2026-02-10T12:00:00Z", "CC"), // whole day
      at("2026-02-10T13:00:00Z", "CC"),
      at("2026-02-11T01:59:00Z", "DD"), // last (partial) day
      at("2026-02-11T02:00:00Z", "EE"), // after the range
    ]);
    const s = await stats(slug, "from=2026-02-09T22:00:00Z&to=2026-02-11T02:00:00Z&limit=100");
    expect(s.totals.clicks).toBe(4);
    expect(s.countries).toEqual([{ value: "CC", clicks: 2 }, { value: "BB", clicks: 1 }, { value: "DD", clicks: 1 }]);
  });

  it("counts clicks by the bots mode: humans for exclude, every click for include, bots and previews for only (docs/analytics.md)", async () => {
    const { id, slug } = await makeLink(db);
    const hour = "2026-02-15T08:00:00Z";
    await rollUpClicks(db, [
      ...["h1", "h2", "h3"].map((v) => ({ linkId: id, ts: hour, visitor: v, referrerHost: "news.example" })),
      ...["b1", "b2"].map((v) => ({ linkId: id, ts: hour, visitor: v, kind: "bot" as const, referrerHost: "crawler.example" })),
      { linkId: id, ts: hour, visitor: "p1", kind: "preview" as const, referrerHost: "chat.example" },
      // Without a referrer: unknown values have no rollup rows, and each mode derives its own count of them.
      { linkId: id, ts: hour, visitor: "h4" },
      { linkId: id, ts: "2026-02-15T09:00:00Z", visitor: "b3", kind: "bot" as const },
    ]);
    const q = "from=2026-02-15&to=2026-02-15&interval=day";
    const apart = { humans: 4, bots: 3, previews: 1, uniques: 4 };
    const exclude = await stats(slug, q);
    expect(exclude.totals).toEqual({ clicks: 4, ...apart });
    expect(exclude.timeseries).toEqual([{ t: "2026-02-15T00:00:00+00:00", clicks: 4, humans: 4, uniques: 4 }]);
    expect(exclude.referrers).toEqual([{ value: "news.example", clicks: 3 }, { value: null, clicks: 1 }]);
    const include = await stats(slug, `${q}&bots=include`);
    expect(include.totals).toEqual({ clicks: 8, ...apart });
    expect(include.timeseries[0]).toEqual({ t: "2026-02-15T00:00:00+00:00", clicks: 8, humans: 4, uniques: 4 });
    expect(include.referrers).toEqual([
      // Ties go by value, unknown ("") first, as when unknown values had rows of their own.
      { value: "news.example", clicks: 3 }, { value: null, clicks: 2 }, { value: "crawler.example", clicks: 2 }, { value: "chat.example", clicks: 1 },
    ]);
    const only = await stats(slug, `${q}&bots=only`);
    expect(only.totals).toEqual({ clicks: 4, ...apart });
    expect(only.timeseries[0].clicks).toBe(4);
    expect(only.referrers).toEqual([{ value: "crawler.example", clicks: 2 }, { value: null, clicks: 1 }, { value: "chat.example", clicks: 1 }]);
    // A range whose edges are hours (partial days) derives unknowns the same way: 08:00-09:00 only.
    const edge = await stats(slug, "from=2026-02-15T08:00:00Z&to=2026-02-15T09:00:00Z&bots=include");
    expect(edge.referrers).toEqual([
      { value: "news.example", clicks: 3 }, { value: "crawler.example", clicks: 2 }, { value: null, clicks: 1 }, { value: "chat.example", clicks: 1 },
    ]);
  });

  it("keeps the top `limit` values per dimension, ties broken by value", async () => {
    const { id, slug } = await makeLink(db);
    const clicks: ClickSpec[] = [];
    ["c", "a", "b"].forEach((country, i) => {
      for (let n = 0; n <= i; n++) clicks.push({ linkId: id, ts: "2026-02-16T10:00:00Z", visitor: `${country}${n}`, country, city: "x" });
    });
    clicks.push({ linkId: id, ts: "2026-02-16T10:00:00Z", visitor: "z", country: "a2", city: "x" });
    await rollUpClicks(db, clicks);
    const s = await stats(slug, "from=2026-02-16&to=2026-02-16&limit=2");
    expect(s.countries).toEqual([{ value: "b", clicks: 3 }, { value: "a", clicks: 2 }]);
    expect(s.cities).toEqual([{ value: "x", clicks: 7 }]);
    const one = await stats(slug, "from=2026-02-16&to=2026-02-16&limit=1");
    expect(one.countries).toEqual([{ value: "b", clicks: 3 }]);
  });

  it("answers from rollups older than the 90-day raw retention, with only the recent raw click left", async () => {
    const { id, slug } = await makeLink(db);
    const now = Date.now();
    const daysAgo = (d: number) => new Date(now - d * 86_400_000).toISOString();
    await rollUpClicks(db, [
      { linkId: id, ts: daysAgo(200), visitor: "old" },
      { linkId: id, ts: daysAgo(120), visitor: "old" },
      { linkId: id, ts: daysAgo(95), visitor: "old", kind: "bot" },
      { linkId: id, ts: daysAgo(10), visitor: "new" },
    ]);
    // What raw-click retention does (functions/ingest/retention.ts), limited to this test's link.
    await db.execute(sql`delete from clicks where link_id = ${id} and ts < now() - interval '90 days'`);
    const raw = await db.execute(sql`select count(*)::int as n from clicks where link_id = ${id}`);
    expect(raw.rows[0].n).toBe(1);
    const s = await stats(slug, `from=${daysAgo(150)}&to=${new Date(now).toISOString()}`);
    expect(s.totals).toEqual({ clicks: 2, humans: 2, bots: 1, previews: 0, uniques: 2 });
    expect(s.timeseries.length).toBeGreaterThanOrEqual(150);
    expect(s.timeseries.reduce((n: number, p: any) => n + p.clicks, 0)).toBe(2);
  });
});

const DAY = 86_400_000;
const week = Date.UTC(2100, 0, 1) + Math.floor(Math.random() * 5000) * 7 * DAY;
const day = (n: number) => new Date(week + n * DAY).toISOString().slice(0, 10);

describe("GET /api/v1/stats", () => {
  it("sums every link, ranks the top links with their slugs, and keeps a deleted link by id", async () => {
    const a = await makeLink(db);
    const b = await makeLink(db);
    const gone = `lnk_gone_${randomBase62(8)}`; // clicks of a link deleted since: no links row
    const at = (linkId: string, d: number, visitor: string, kind: ClickSpec["kind"] = "human"): ClickSpec => ({
      linkId, ts: new Date(week + d * DAY + 3_600_000), visitor, kind, country: linkId === b.id ? "FR" : "DE",
    });
    await rollUpClicks(db, [
      at(a.id, 0, "x"), at(a.id, 0, "y"), at(a.id, 1, "x"), at(a.id, 2, "z"),
      at(b.id, 1, "x"), at(b.id, 1, "w"), at(b.id, 1, "w", "bot"),
      at(gone, 2, "q"),
    ]);
    const s = await getJson(`/api/v1/stats?from=${day(0)}&to=${day(2)}`);
    expect(s.totals).toEqual({ clicks: 7, humans: 7, bots: 1, previews: 0, uniques: 6 }); // x on day 1 counts once across links
    expect(s.timeseries.map((p: any) => p.clicks)).toEqual([2, 3, 2]);
    expect(s.topLinks).toEqual([
      { slug: a.slug, domain: null, linkId: a.id, clicks: 4 },
      { slug: b.slug, domain: null, linkId: b.id, clicks: 2 },
      { slug: null, domain: null, linkId: gone, clicks: 1 },
    ]);
    expect(s.countries).toEqual([{ value: "DE", clicks: 5 }, { value: "FR", clicks: 2 }]);
    expect(s.live).toBeNull();

    const withBots = await getJson(`/api/v1/stats?from=${day(0)}&to=${day(2)}&bots=only`);
    expect(withBots.topLinks).toEqual([{ slug: b.slug, domain: null, linkId: b.id, clicks: 1 }]);
    const top1 = await getJson(`/api/v1/stats?from=${day(0)}&to=${day(2)}&limit=1`);
    expect(top1.topLinks).toEqual([{ slug: a.slug, domain: null, linkId: a.id, clicks: 4 }]);
  });
});
