/**
 * Dimension blocks (db/queries/dim-blocks.ts): the stats of sealed days read from clicks_dims_blocks answer
 * exactly what the daily rows answer, late clicks of sealed days included, and a fold waits for an ingest
 * commit in flight instead of summing the days without it.
 */
import { sql } from "drizzle-orm";
import { afterAll, beforeEach, expect, it } from "vitest";
import { foldDimBlocks, sealTarget } from "../db/queries/dim-blocks.ts";
import { sqlBatch } from "../functions/ingest/commit.ts";
import { getJson, makeLink } from "./helpers/analytics.ts";
import { openDb } from "./helpers/db.ts";
import { DEFAULT_HOST } from "./helpers/domains.ts";
import { rollupDiff } from "./helpers/rollup-oracle.ts";
import { resetDimBlocks, rollUpClicks, toRecord, type ClickSpec } from "./helpers/rollups.ts";

const DAY = 86_400_000;
const { db, pool } = openDb();
afterAll(() => pool.end());
beforeEach(() => resetDimBlocks(db));

const day = (t: number) => new Date(t).toISOString().slice(0, 10);
const today = Math.floor(Date.now() / DAY) * DAY;

/** Clicks of one link spread over `days` days before yesterday, with every dimension and two variants. */
function clicks(linkId: string, n: number, days: number, seed: number): ClickSpec[] {
  let x = seed;
  const pick = <T>(xs: T[]) => xs[(x = (x * 1103515245 + 12345) % 2 ** 31) % xs.length];
  return Array.from({ length: n }, (_, i) => {
    const variant = pick([0, 1, null]);
    return {
      linkId,
      ts: new Date(today - 2 * DAY - Math.floor((i / n) * days * DAY) - pick([0, 5, 13, 23]) * 3_600_000),
      visitor: `v${pick([1, 2, 3, 4, 5, 6])}`,
      kind: pick(["human", "human", "human", "bot", "preview"] as const),
      referrerHost: pick(["google.com", "t.co", null]),
      country: pick(["DE", "US", "FR"]),
      city: pick(["Berlin", "Boston", null]),
      device: pick(["desktop", "mobile"]),
      browser: pick(["Chrome", "Safari", "Firefox"]),
      os: pick(["Windows", "iOS", "Linux"]),
      utmSource: pick(["newsletter", null]),
      chosenUrl: variant === null ? "https://example.com/" : `https://example.com/${variant}`,
      chosenBy: variant === null ? "url" : `variant:${variant}`,
    };
  });
}

/** The answers to compare: several ranges (whole days, rolling, another zone, by hour), one link and all. */
async function answers(slug: string) {
  const q = [
    `from=${day(today - 90 * DAY)}&to=${day(today - DAY)}&interval=day`,
    `from=${new Date(today - 130 * DAY + 5 * 3_600_000).toISOString()}&to=${new Date(Date.now()).toISOString()}&interval=day`,
    `from=${day(today - 70 * DAY)}&to=${day(today - 3 * DAY)}&interval=day&tz=America/New_York`,
    `from=${day(today - 17 * DAY)}&to=${day(today - 9 * DAY)}&interval=hour&bots=only`,
  ];
  const out = [];
  for (const qs of q) {
    out.push(await getJson(`/api/v1/links/${slug}/stats?${qs}&limit=50`));
    out.push(await getJson(`/api/v1/stats?${qs}`));
    out.push(await getJson(`/api/v1/stats?${qs}&domain=${DEFAULT_HOST}`));
  }
  return out;
}

it("answers the same from sealed blocks as from days, late clicks of sealed days included", async () => {
  const link = await makeLink(db);
  await rollUpClicks(db, clicks(link.id, 900, 140, 7));
  const fromDays = await answers(link.slug);

  const fold = await foldDimBlocks(db, sealTarget(Date.now()));
  expect(fold).toMatchObject({ from: "1970-01-01", to: sealTarget(Date.now()) });
  const spans = await db.execute<{ days: number }>(sql`select distinct days from clicks_dims_blocks where link_id = ${link.id} order by 1`);
  expect(spans.rows.map((r) => Number(r.days))).toEqual([4, 16, 64]);
  expect(await answers(link.slug)).toEqual(fromDays);

  // Late clicks of sealed days: the ingest adds them to their blocks.
  await rollUpClicks(db, clicks(link.id, 120, 100, 11));
  expect(await rollupDiff(db, { links: [link.id] })).toEqual({});
  const withLate = await answers(link.slug);
  expect(withLate).not.toEqual(fromDays);
  await resetDimBlocks(db);
  expect(await answers(link.slug)).toEqual(withLate);
});

it("a fold waits for an ingest commit in flight that read the seal before it moved", async () => {
  const link = await makeLink(db);
  const { db: other, pool: otherPool } = openDb();
  const { db: watcher, pool: watcherPool } = openDb();
  try {
    const late = toRecord({ linkId: link.id, ts: new Date(today - 200 * DAY), visitor: "v1", country: "DE" });
    let folding: ReturnType<typeof foldDimBlocks> | undefined;
    await db.transaction(async (tx) => {
      // The commit's statement has run (its clicks are in the days, not yet committed) and holds the seal.
      await tx.execute(sqlBatch([late]).statement);
      folding = foldDimBlocks(other, sealTarget(Date.now()));
      // Commit only once the fold waits for the seal (a fold that does not wait would sum the days now).
      for (let i = 0; i < 100; i++) {
        const { rows } = await watcher.execute<{ n: number }>(sql`
          select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock' and query like '%dims_seal for update%'`);
        if (rows[0].n > 0) break;
        await new Promise((r) => setTimeout(r, 30));
      }
    });
    expect((await folding!).rows).toBeGreaterThan(0);
    expect(await rollupDiff(db, { links: [link.id] })).toEqual({});
    const blocks = await db.execute(sql`select days, clicks from clicks_dims_blocks where link_id = ${link.id} and dim = 'country' order by days`);
    expect(blocks.rows.map((r) => [Number(r.days), Number(r.clicks)])).toEqual([[4, 1], [16, 1], [64, 1]]);
  } finally {
    await otherPool.end();
    await watcherPool.end();
  }
});
