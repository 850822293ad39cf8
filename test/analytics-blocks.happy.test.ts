/**
 * Dimension blocks (db/queries/dim-blocks.ts): the stats of sealed days read from clicks_dims_blocks answer
 * exactly what the daily rows answer, late clicks of sealed days included, and a fold waits for an ingest
 * commit in flight instead of summing the days without it. And a property: for any range of whole hours (a
 * partial day read daily when all its clicks fall inside, hourly otherwise; sealed blocks; today), the
 * dimensions and variants equal a count of the clicks themselves.
 */
import { sql } from "drizzle-orm";
import fc from "fast-check";
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

/**
 * Returns once a backend whose query contains `text` waits for a lock (or after 3 s: a statement that takes
 * no lock never waits, and the test's own checks then fail).
 */
async function lockWaitOf(watcher: typeof db, text: string) {
  for (let i = 0; i < 100; i++) {
    const { rows } = await watcher.execute<{ n: number }>(sql`
      select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock' and query like ${`%${text}%`}`);
    if (rows[0].n > 0) return;
    await new Promise((r) => setTimeout(r, 30));
  }
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
      await lockWaitOf(watcher, "dims_seal for update");
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

it("an ingest commit that comes while a fold moves the seal waits, then adds its late clicks to the blocks", async () => {
  const link = await makeLink(db);
  const { db: other, pool: otherPool } = openDb();
  const { db: watcher, pool: watcherPool } = openDb();
  try {
    const late = toRecord({ linkId: link.id, ts: new Date(today - 200 * DAY), visitor: "v1", country: "FR" });
    let committing: Promise<unknown> | undefined;
    // The fold's first step, held open: the seal moved under FOR UPDATE, not yet committed.
    await db.transaction(async (tx) => {
      await tx.execute(sql`select sealed_before from dims_seal for update`);
      await tx.execute(sql`update dims_seal set sealed_before = ${sealTarget(Date.now())}::date`);
      // then() starts it now: a drizzle query runs only once it is awaited.
      committing = other.execute(sqlBatch([late]).statement).then(() => {});
      await lockWaitOf(watcher, "dims_seal for share");
    });
    await committing;
    // The commit saw the new seal: its click is in the blocks of its day (nothing else of this link to fold).
    expect(await rollupDiff(db, { links: [link.id] })).toEqual({});
    const blocks = await db.execute(sql`select days, clicks from clicks_dims_blocks where link_id = ${link.id} and dim = 'country' order by days`);
    expect(blocks.rows.map((r) => [Number(r.days), Number(r.clicks)])).toEqual([[4, 1], [16, 1], [64, 1]]);
  } finally {
    // The seal moved without a fold of the other files' days: back to nothing sealed, a state that is whole.
    await resetDimBlocks(db);
    await otherPool.end();
    await watcherPool.end();
  }
});

it("counts every dimension and variant of any range of whole hours exactly, partial days and blocks included (property)", async () => {
  const link = await makeLink(db);
  // Clicks in two or three hours of each of the last 20 days (today's before now), so that a partial day
  // often holds all of its day's clicks; the sealed days are folded, then late clicks of them arrive.
  let x = 5;
  const rand = (n: number) => ((x = (x * 1103515245 + 12345) % 2 ** 31), x % n);
  const nowHour = Math.floor(Date.now() / 3_600_000) * 3_600_000;
  const specs: ClickSpec[] = [];
  for (let d = 0; d < 20; d++) {
    const hours = [rand(24), rand(24), rand(24)].slice(0, 2 + rand(2));
    for (const h of hours) {
      for (let i = 0; i < 1 + rand(6); i++) {
        const ts = today - d * DAY + h * 3_600_000 + rand(3_600_000);
        if (ts >= Date.now()) continue;
        const variant = [0, 1, null][rand(3)];
        specs.push({
          linkId: link.id, ts: new Date(ts), visitor: `v${rand(5)}`, kind: (["human", "human", "bot", "preview"] as const)[rand(4)],
          country: ["DE", "US", null][rand(3)], referrerHost: ["t.co", null][rand(2)],
          chosenUrl: variant === null ? "https://example.com/" : `https://example.com/${variant}`,
          chosenBy: variant === null ? "url" : `variant:${variant}`,
        });
      }
    }
  }
  const late = specs.filter((_, i) => i % 5 === 0);
  await rollUpClicks(db, specs.filter((_, i) => i % 5 !== 0));
  await foldDimBlocks(db, sealTarget(Date.now()));
  await rollUpClicks(db, late);

  const hourOf = (c: ClickSpec) => Math.floor(new Date(c.ts).getTime() / 3_600_000) * 3_600_000;
  const tally = (cs: ClickSpec[], key: (c: ClickSpec) => string | null) => {
    const m = new Map<string | null, number>();
    for (const c of cs) m.set(key(c), (m.get(key(c)) ?? 0) + 1);
    return m;
  };
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 0, max: 21 * 24 }), fc.integer({ min: 1, max: 12 * 24 }), fc.constantFrom("exclude", "include", "only"),
      async (back, hours, bots) => {
        const from = nowHour - back * 3_600_000;
        const to = from + hours * 3_600_000;
        const s = await getJson(`/api/v1/links/${link.slug}/stats?from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}&interval=day&bots=${bots}&limit=100`);
        const counted = specs.filter((c) => hourOf(c) >= from && hourOf(c) < to)
          .filter((c) => (bots === "exclude" ? c.kind === "human" : bots === "only" ? c.kind !== "human" : true));
        const got = (list: { value: string | null; clicks: number }[]) => new Map(list.map((v) => [v.value, v.clicks]));
        expect(got(s.countries)).toEqual(tally(counted, (c) => c.country ?? null));
        expect(got(s.referrers)).toEqual(tally(counted, (c) => c.referrerHost ?? null));
        expect(got(s.destinations)).toEqual(tally(counted, (c) => c.chosenUrl ?? null));
        const variants = counted.filter((c) => c.chosenBy?.startsWith("variant:"));
        expect(new Map(s.variants.filter((v: any) => v.clicks > 0).map((v: any) => [v.value, v.clicks]))).toEqual(tally(variants, (c) => c.chosenUrl ?? null));
      },
    ),
    { numRuns: 60 },
  );
});
