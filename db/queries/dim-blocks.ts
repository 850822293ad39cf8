/**
 * clicks_dims_blocks (db/schema/rollups.ts): the dimensions of sealed days folded into blocks of 4, 16 and 64
 * days, so a long range reads a few rows per value instead of one per day.
 *
 * Why no click is lost or counted twice, though the ingest keeps adding late clicks to old days:
 * - every ingest commit with clicks of a day that may be sealed (mayBeSealed) reads dims_seal FOR SHARE and
 *   adds its clicks of days before `sealed_before` to those days' blocks that end by then, besides the days
 *   themselves (functions/ingest/commit.ts);
 * - the fold first moves `sealed_before` under FOR UPDATE, which waits for every commit holding the row, and
 *   then, in later statements of its transaction (new snapshots), sums the daily rows of the blocks that end
 *   by the new date. A commit that read the old date has committed before that: its days are in the sums,
 *   and it wrote no block the fold creates. A commit that reads the new date waited for the fold to commit
 *   (FOR SHARE returns the row's latest version): the sums could not see it, and it adds to the blocks.
 * So a folded block always equals the sum of its days' daily rows, which the property tests check.
 */
import { sql, type SQL } from "drizzle-orm";
import type { Db } from "../client.ts";
import { DIM_BLOCK_SPANS } from "../schema.ts";
import { linkTotalBlocks, tilesTable } from "./top-links.ts";

const DAY = 86_400_000;

/** Epoch ms (a midnight) as a Postgres date. */
export const sqlDay = (t: number) => sql`${new Date(t).toISOString().slice(0, 10)}::date`;

/**
 * The first day of the `span`-day block that holds date `day`, in SQL: blocks start on day numbers (from
 * 1970-01-01) that `span` divides, as blockStart below and linkTotalBlocks tile them.
 */
export const blockStartSql = (day: SQL, span: SQL) => sql`${day} - ((${day} - date '1970-01-01') % ${span})`;

/** Days stay unsealed until the day after next: a click of today or yesterday never touches a block. */
export const SEAL_LAG_DAYS = 1;

/** The seal date the fold moves to at `now`: UTC midnight SEAL_LAG_DAYS before today's, as YYYY-MM-DD. */
export function sealTarget(now: number): string {
  return new Date((Math.floor(now / DAY) - SEAL_LAG_DAYS) * DAY).toISOString().slice(0, 10);
}

/**
 * Whether day `day` (YYYY-MM-DD) may be sealed, for an ingest commit at `now`: any day before the seal
 * target plus one day (with SEAL_LAG_DAYS 1, any day before today). A later day can be sealed only if the
 * cron's clock ran a whole day ahead of the ingest's; a commit whose clicks are all of today (the usual one)
 * leaves the blocks and the seal alone.
 */
export function mayBeSealed(day: string, now: number): boolean {
  return day < sealTarget(now + DAY);
}

const dayNumber = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / DAY;
/** The first day of the `span`-day block that holds day number `d`, as YYYY-MM-DD. */
const blockStart = (d: number, span: number) => new Date((d - (d % span)) * DAY).toISOString().slice(0, 10);

/**
 * Every link id with daily dimension rows (a loose index scan of the primary key: one descent per link):
 * the fold reads each link's own key range instead of scanning every day of every link.
 */
const LINKS_WITH_DAYS = sql`
  with recursive l(id) as (
    (select link_id from clicks_dims_daily order by link_id limit 1)
    union all
    select (select d.link_id from clicks_dims_daily d where d.link_id > l.id order by d.link_id limit 1) from l where l.id is not null
  )
  select id from l where id is not null`;

/**
 * The fold of the blocks of `span` days that start in [from, to): from the daily rows (4 days) or the
 * blocks one length shorter, already folded or folded by an earlier statement of the same transaction.
 */
function foldSpan(span: number, from: string, to: string): SQL {
  const shorter = DIM_BLOCK_SPANS[DIM_BLOCK_SPANS.indexOf(span) + 1];
  const source = shorter === undefined
    ? sql`select dim, value, day, clicks, humans, bots, previews from clicks_dims_daily d
          where d.link_id = l.id and d.day >= ${from}::date and d.day < ${to}::date and d.value <> ''`
    : sql`select dim, value, start as day, clicks, humans, bots, previews from clicks_dims_blocks d
          where d.link_id = l.id and d.days = ${sql.raw(String(shorter))} and d.start >= ${from}::date and d.start < ${to}::date`;
  const n = sql.raw(String(span)); // a literal: a parameter here would be typed text
  return sql`
    insert into clicks_dims_blocks (link_id, days, start, dim, value, clicks, humans, bots, previews)
    select l.id, ${n}, ${blockStartSql(sql`s.day`, n)}, s.dim, s.value,
           sum(s.clicks), sum(s.humans), sum(s.bots), sum(s.previews)
    from (${LINKS_WITH_DAYS}) l cross join lateral (${source}) s
    group by 1, 3, 4, 5`;
}

export interface FoldResult {
  /** The seal before and after; equal when there was nothing to fold. */
  from: string;
  to: string;
  /** Block rows written. */
  rows: number;
}

/**
 * Moves the seal to `target` (never back) and folds every block that ends by then and did not before, in
 * one transaction: the cron runs it once a day's worth of days is sealed; running it again does nothing.
 */
export async function foldDimBlocks(db: Db, target: string): Promise<FoldResult> {
  // Most runs have nothing to fold: a plain read decides that without taking the row from the ingest.
  const seen = (await db.execute<{ sealed: string }>(sql`select sealed_before::text as sealed from dims_seal`)).rows[0].sealed;
  if (seen >= target) return { from: seen, to: seen, rows: 0 };
  return db.transaction(async (tx) => {
    // Commits keep taking the seal FOR SHARE; a fold that cannot have it soon is tried again by the next run.
    await tx.execute(sql`set local lock_timeout = '10s'`);
    const { rows } = await tx.execute<{ sealed: string }>(sql`select sealed_before::text as sealed from dims_seal for update`);
    const from = rows[0].sealed;
    if (from >= target) return { from, to: from, rows: 0 };
    await tx.execute(sql`update dims_seal set sealed_before = ${target}::date`);
    let written = 0;
    // Shortest first: each longer block sums the shorter ones this transaction has just written.
    for (const span of [...DIM_BLOCK_SPANS].reverse()) {
      const [a, b] = [blockStart(dayNumber(from), span), blockStart(dayNumber(target), span)];
      if (a >= b) continue;
      const r = await tx.execute(foldSpan(span, a, b));
      written += r.rowCount ?? 0;
    }
    return { from, to: target, rows: written };
  });
}

/**
 * The reads of the whole UTC days [from, to) (epoch ms of midnights) of a rollup query, as `select` parts
 * to union: the sealed blocks that tile them, and the daily rows of the days no sealed block covers. `cols`
 * is the select list (over the rollup columns), `where` the condition on link_id, dim and value, `groupBy`
 * the grouping; each part is grouped on its own.
 *
 * The blocks are the tiling link_totals uses (db/queries/top-links.ts): 1-day tiles at the ends, longer
 * ones inside. Sealing goes forward in time, so the sealed multi-day tiles are a prefix of them: the days
 * they cover are one run [first tile's start, `covered`), with `covered` read in the statement.
 */
export function wholeDayParts(from: number, to: number, cols: SQL, where: SQL, groupBy: SQL): SQL[] {
  const tiles = linkTotalBlocks(from, to);
  const at = tiles.days.flatMap((d, i) => (d > 1 ? [i] : []));
  const daily = (a: SQL, b: SQL) => sql`select ${cols} from clicks_dims_daily where ${where} and day >= ${a} and day < ${b} group by ${groupBy}`;
  if (!at.length) return [daily(sqlDay(from), sqlDay(to))];
  const multi = tilesTable({ days: at.map((i) => tiles.days[i]), start: at.map((i) => tiles.start[i]) }, "t");
  const sealed = sql`(select sealed_before from dims_seal)`;
  const first = Date.parse(`${tiles.start[at[0]]}T00:00:00Z`);
  const covered = sql`(select coalesce(max(t.start + t.days), ${sqlDay(first)}) from ${multi} where t.start + t.days <= ${sealed})`;
  return [
    ...(from < first ? [daily(sqlDay(from), sqlDay(first))] : []),
    sql`select ${cols} from ${multi} join clicks_dims_blocks b on b.days = t.days and b.start = t.start
        where ${where} and t.start + t.days <= ${sealed} group by ${groupBy}`,
    daily(covered, sqlDay(to)),
  ];
}
