/**
 * GET /api/v1/stats: the ALL_LINKS rollups and the top links. Those rows are shared by every test that rolls
 * clicks up, so this file counts in a random week far in the future that nothing else writes to.
 */
import { afterAll, describe, expect, it } from "vitest";
import { getJson, makeLink, openDb } from "./helpers/analytics.ts";
import { rollUpClicks, type ClickSpec } from "./helpers/rollups.ts";
import { randomBase62 } from "../functions/shared/crypto.ts";

const { db, pool } = openDb();
afterAll(() => pool.end());

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
      { slug: a.slug, linkId: a.id, clicks: 4 },
      { slug: b.slug, linkId: b.id, clicks: 2 },
      { slug: null, linkId: gone, clicks: 1 },
    ]);
    expect(s.countries).toEqual([{ value: "DE", clicks: 5 }, { value: "FR", clicks: 2 }]);
    expect(s.live).toBeNull();

    const withBots = await getJson(`/api/v1/stats?from=${day(0)}&to=${day(2)}&bots=only`);
    expect(withBots.topLinks).toEqual([{ slug: b.slug, linkId: b.id, clicks: 1 }]);
    const top1 = await getJson(`/api/v1/stats?from=${day(0)}&to=${day(2)}&limit=1`);
    expect(top1.topLinks).toEqual([{ slug: a.slug, linkId: a.id, clicks: 4 }]);
  });
});
