/**
 * Where routing sent the clicks, in the stats: `destinations` (per URL chosen) and `variants` (clicks, humans
 * and uniques per A/B variant), exact from the rollups, over whole days and partial ones; a visitor-day's
 * unique goes to the variant of its first human click, also when an earlier click arrives late or two share
 * an instant; old events without the routing fields still ingest; and the whole way from a redirect.
 */
import { afterAll, describe, expect, it } from "vitest";
import { toStoredVariants } from "../functions/api/links/routing-schemas.ts";
import { makeClick, xadd } from "./helpers/clicks.ts";
import { forgetClicks } from "./helpers/forget-clicks.ts";
import { getJson, makeLink } from "./helpers/analytics.ts";
import { openDb } from "./helpers/db.ts";
import { flush, ingestClients } from "./helpers/ingest.ts";
import { rollupDiff } from "./helpers/rollup-oracle.ts";
import { Fixtures } from "./helpers/redirect.ts";
import { rollUpClicks, type ClickSpec } from "./helpers/rollups.ts";
import { call } from "./helpers/worker.ts";

const { db, pool } = openDb();
const made: string[] = [];
const f = new Fixtures();
afterAll(async () => {
  await forgetClicks(made);
  await f.cleanup();
  await pool.end();
});

const A = "https://example.com/a";
const B = "https://example.com/b";
const IOS = "https://example.com/ios";
const URL_ = "https://example.com/";
const FALLBACK = "https://example.com/fallback";

async function link() {
  const l = await makeLink(db);
  made.push(l.id);
  return l;
}

const stats = (slug: string, q: string) => getJson(`/api/v1/links/${slug}/stats?${q}`);

describe("stats of a routed link", () => {
  it("count destinations and variants exactly: clicks by the bots mode, humans, uniques of first clicks", async () => {
    const { id, slug } = await link();
    const c = (ts: string, visitor: string, chosenUrl: string | null, chosenBy: string | null, kind: ClickSpec["kind"] = "human"): ClickSpec =>
      ({ linkId: id, ts, visitor, kind, chosenUrl, chosenBy });
    await rollUpClicks(db, [
      c("2026-03-10T10:15:00Z", "v1", A, "variant:0"),
      c("2026-03-10T10:40:00Z", "v1", A, "variant:0"), // same visitor-day: no second unique
      c("2026-03-10T11:05:00Z", "v2", B, "variant:1"),
      c("2026-03-10T11:30:00Z", "v3", B, "variant:1", "bot"),
      c("2026-03-10T12:00:00Z", "v4", IOS, "rule:0"),
      c("2026-03-10T13:00:00Z", "v5", URL_, "url"),
      c("2026-03-10T14:00:00Z", "v6", FALLBACK, null), // expired: the fallback, no rule or variant
      c("2026-03-10T15:00:00Z", "v7", null, null, "preview"), // withheld
      { linkId: id, ts: "2026-03-10T16:00:00Z", visitor: "v8" }, // an event from before routing
      // v9's first click of the day was a rule's: its unique belongs to no variant, its later click still counts.
      c("2026-03-10T09:00:00Z", "v9", IOS, "rule:0"),
      c("2026-03-10T17:00:00Z", "v9", A, "variant:0"),
      // The next day, in the hours at the edge of the range below (read hourly, not daily).
      c("2026-03-11T08:00:00Z", "v1", B, "variant:1"),
      c("2026-03-11T20:00:00Z", "v2", B, "variant:1"), // after the range
    ]);
    expect(await rollupDiff(db, { links: [id] })).toEqual({});

    const range = "from=2026-03-09T12:00:00Z&to=2026-03-11T12:00:00Z";
    expect(await stats(slug, range)).toMatchObject({
      totals: { clicks: 10, humans: 10, bots: 1, previews: 1, uniques: 8 },
      destinations: [
        { value: A, clicks: 3 }, { value: B, clicks: 2 }, { value: IOS, clicks: 2 }, { value: URL_, clicks: 1 }, { value: FALLBACK, clicks: 1 },
      ],
      variants: [
        { value: A, clicks: 3, humans: 3, uniques: 1 },
        { value: B, clicks: 2, humans: 2, uniques: 2 },
      ],
    });
    expect(await stats(slug, `${range}&bots=include`)).toMatchObject({
      variants: [{ value: A, clicks: 3, humans: 3, uniques: 1 }, { value: B, clicks: 3, humans: 2, uniques: 2 }],
    });
    // The day alone (whole day, read daily).
    expect((await stats(slug, "from=2026-03-10&to=2026-03-10")).variants).toEqual([
      { value: A, clicks: 3, humans: 3, uniques: 1 },
      { value: B, clicks: 1, humans: 1, uniques: 1 },
    ]);
    // The all-links view has neither.
    const all = await getJson("/api/v1/stats?from=2026-03-10&to=2026-03-10");
    expect([all.destinations, all.variants]).toEqual([[], []]);
    // And the CSV carries both.
    const csv = await (await call("GET", `/api/v1/links/${slug}/stats?${range}&format=csv`)).text();
    expect(csv).toContain(`variants,${A},3,3,1\r\n`);
    expect(csv).toContain(`destinations,${IOS},2,,\r\n`);
  });

  it("move a unique to the variant of an earlier click ingested late; on one instant the smaller variant URL wins", async () => {
    const { id, slug } = await link();
    const c = (ts: string, visitor: string, url: string, by: string): ClickSpec => ({ linkId: id, ts, visitor, chosenUrl: url, chosenBy: by });
    const variants = async () => (await stats(slug, "from=2026-03-20&to=2026-03-20")).variants;
    await rollUpClicks(db, [c("2026-03-20T10:00:00Z", "v1", B, "variant:1"), c("2026-03-20T10:00:00Z", "v2", B, "variant:1")]);
    expect(await variants()).toEqual([{ value: B, clicks: 2, humans: 2, uniques: 2 }]);

    // v1's earlier click, served A, arrives late: the unique moves to A (and to its hour).
    await rollUpClicks(db, [c("2026-03-20T09:00:00Z", "v1", A, "variant:0")]);
    expect(await variants()).toEqual([{ value: B, clicks: 2, humans: 2, uniques: 1 }, { value: A, clicks: 1, humans: 1, uniques: 1 }]);
    // v2's click at the very same instant, served A: A < B, so the unique is A's, whichever arrived first.
    await rollUpClicks(db, [c("2026-03-20T10:00:00Z", "v2", A, "variant:0")]);
    expect(await variants()).toEqual([{ value: A, clicks: 2, humans: 2, uniques: 2 }, { value: B, clicks: 2, humans: 2, uniques: 0 }]);
    // v1's click at its first instant, served by a rule: a rule's click (no variant) comes first on a tie.
    await rollUpClicks(db, [c("2026-03-20T09:00:00Z", "v1", IOS, "rule:0")]);
    expect(await variants()).toEqual([{ value: A, clicks: 2, humans: 2, uniques: 1 }, { value: B, clicks: 2, humans: 2, uniques: 0 }]);
    expect(await rollupDiff(db, { links: [id] })).toEqual({});
  });
});

describe("from the redirect to the stats", () => {
  it("a variant link's clicks arrive in destinations and variants; events without routing fields still ingest", async () => {
    const s = ingestClients();
    try {
      expect((await flush()).status).toBe(200);
      const row = await f.link({
        url: URL_,
        variants: toStoredVariants([{ url: A, weight: 50 }, { url: B, weight: 50 }]),
      });
      made.push(row.id);
      const served: string[] = [];
      for (let i = 0; i < 8; i++) {
        const res = await call("GET", `/${row.slug}?n=${i}`, {
          key: null,
          headers: { "user-agent": "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0", "cf-connecting-ip": `10.1.2.${i}` },
        });
        served.push(res.headers.get("location")!.split("?")[0]);
      }
      const old = makeClick({ linkId: row.id });
      delete (old as Record<string, unknown>).chosenUrl;
      delete (old as Record<string, unknown>).chosenBy;
      await xadd(s.redis, [old]);
      await expect.poll(async () => (await flush()).body.pending, { timeout: 10_000 }).toBe(0);
      await expect.poll(async () => (await stats(row.slug, "")).totals.humans, { timeout: 10_000 }).toBe(9);
      const st = await stats(row.slug, "");
      const count = (u: string) => served.filter((x) => x === u).length;
      const expected = [A, B].filter(count).map((u) => ({ value: u, clicks: count(u), humans: count(u), uniques: count(u) }))
        .sort((x, y) => y.clicks - x.clicks || (x.value < y.value ? -1 : 1));
      expect(st.variants).toEqual(expected);
      expect(st.destinations).toEqual(expected.map(({ value, clicks }) => ({ value, clicks })));
      expect(await rollupDiff(s.db, { links: [row.id] })).toEqual({});
    } finally {
      await s.close();
    }
  });
});
