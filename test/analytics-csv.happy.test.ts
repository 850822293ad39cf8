/** Stats as CSV (Accept: text/csv or format=csv), read back with a real CSV parser. */
import { parse } from "csv-parse/browser/esm/sync";
import { afterAll, describe, expect, it } from "vitest";
import { get, getJson, makeLink } from "./helpers/analytics.ts";
import { openDb } from "./helpers/db.ts";
import { rollUpClicks } from "./helpers/rollups.ts";

const { db, pool } = openDb();
afterAll(() => pool.end());

const Q = "from=2026-01-20&to=2026-01-21&tz=Europe/Berlin&interval=day";

async function csvOf(res: Response): Promise<string[][]> {
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
  return parse(await res.text()) as string[][];
}

describe("stats as CSV", () => {
  it("holds the totals, the time series and every dimension in one table, escaped and formula-safe", async () => {
    const { id, slug } = await makeLink(db);
    const tricky = 'summer, "big" sale\nnow';
    await rollUpClicks(db, [
      { linkId: id, ts: "2026-01-20T10:00:00Z", visitor: "a", utmCampaign: tricky, utmSource: "=HYPERLINK(\"http://evil\")", country: "DE" },
      { linkId: id, ts: "2026-01-20T11:00:00Z", visitor: "b", utmCampaign: tricky, country: "DE" },
      { linkId: id, ts: "2026-01-21T11:00:00Z", visitor: "a", country: null },
    ]);
    const res = await get(`/api/v1/links/${slug}/stats?${Q}`, undefined, { accept: "text/csv" });
    expect(res.headers.get("content-disposition")).toBe(`attachment; filename="eatmyurl-stats-${slug}-2026-01-19.csv"`);
    const rows = await csvOf(res);
    const json = await getJson(`/api/v1/links/${slug}/stats?${Q}`);

    expect(rows[0]).toEqual(["section", "key", "clicks", "humans", "uniques"]);
    expect(rows.filter((r) => r[0] === "totals")).toEqual([["totals", "", "3", "3", "3"]]);
    expect(rows.filter((r) => r[0] === "timeseries")).toEqual(
      json.timeseries.map((p: any) => ["timeseries", p.t, String(p.clicks), String(p.humans), String(p.uniques)]),
    );
    expect(rows.filter((r) => r[0] === "timeseries").map((r) => r[1])).toEqual(["2026-01-20T00:00:00+01:00", "2026-01-21T00:00:00+01:00"]);
    expect(rows.filter((r) => r[0] === "utmCampaigns")).toEqual([["utmCampaigns", tricky, "2", "", ""], ["utmCampaigns", "", "1", "", ""]]);
    expect(rows.filter((r) => r[0] === "utmSources")).toEqual([["utmSources", "", "2", "", ""], ["utmSources", "'=HYPERLINK(\"http://evil\")", "1", "", ""]]);
    expect(rows.filter((r) => r[0] === "countries")).toEqual([["countries", "DE", "2", "", ""], ["countries", "", "1", "", ""]]);
    // Every dimension of the JSON answer is in the CSV, value for value.
    for (const field of ["referrers", "countries", "cities", "devices", "browsers", "os", "utmSources", "utmMediums", "utmCampaigns"]) {
      expect(rows.filter((r) => r[0] === field).length, field).toBe(json[field].length);
    }
    expect(new Set(rows.map((r) => r.length))).toEqual(new Set([5]));
  });

  it("answers CSV for format=csv whatever Accept says, and JSON for format=json", async () => {
    const { slug } = await makeLink(db);
    const rows = await csvOf(await get(`/api/v1/links/${slug}/stats?${Q}&format=csv`, undefined, { accept: "application/json" }));
    expect(rows[1]).toEqual(["totals", "", "0", "0", "0"]);
    const res = await get(`/api/v1/links/${slug}/stats?${Q}&format=json`, undefined, { accept: "text/csv" });
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    const pref = await get(`/api/v1/links/${slug}/stats?${Q}`, undefined, { accept: "application/json;q=0.5, text/csv" });
    expect(pref.headers.get("content-type")).toBe("text/csv; charset=utf-8");
  });

  it("lists the top links of the all-links view by slug", async () => {
    const { id, slug } = await makeLink(db);
    const far = new Date(Date.UTC(2200, 0, 1) + Math.floor(Math.random() * 1000) * 86_400_000);
    await rollUpClicks(db, [{ linkId: id, ts: far, visitor: "a" }]);
    const d = far.toISOString().slice(0, 10);
    const rows = await csvOf(await get(`/api/v1/stats?from=${d}&to=${d}&format=csv`));
    expect(rows.filter((r) => r[0] === "topLinks")).toEqual([["topLinks", slug, "1", "", ""]]);
  });
});
