/**
 * The rollup upserts of an ingest commit (functions/ingest/commit.ts), as data-modifying CTEs over the deltas
 * the Worker aggregated (rollup.ts): each rollup table in a fixed order, by key within it, which is the global
 * lock order that keeps side-by-side commits from deadlocking.
 */
import { sql, type SQL } from "drizzle-orm";
import { blockStartSql, mayBeSealed } from "../../db/queries/dim-blocks.ts";
import { DIM_BLOCK_SPANS } from "../../db/schema/rollups.ts";
import type { DimRows, Rollups } from "./rollup-shape.ts";
import { counterArrays, intArray, textArray, typedArray } from "../../db/sql-arrays.ts";

const COUNTER_SET = sql.raw(
  ["clicks", "humans", "bots", "previews"].map((c) => `${c} = r.${c} + excluded.${c}`).join(", "),
);

/** The daily rows of days that may be sealed (db/queries/dim-blocks.ts mayBeSealed); null when none. */
function lateDays(d: DimRows, now: number): DimRows | null {
  const keep = d.at.flatMap((day, i) => (mayBeSealed(day, now) ? [i] : []));
  if (!keep.length) return null;
  return { link: keep.map((i) => d.link[i]), at: keep.map((i) => d.at[i]), dim: keep.map((i) => d.dim[i]), value: keep.map((i) => d.value[i]), counts: keep.map((i) => d.counts[i]) };
}

/**
 * The upsert of late clicks into the dimension blocks of their sealed days. FOR SHARE reads the seal's latest
 * version, whatever the statement's snapshot, and holds it until commit: a fold waits for this commit, or
 * this commit for the fold (db/queries/dim-blocks.ts). The seal is a scalar subquery: read as a plain FROM
 * item, the 10,000-click commit took 1.1-1.3 s instead of 0.5 s in most runs, with the same plan and no
 * node to show for the time. Only in commits with clicks of days that may be sealed: the others need no
 * block, and their statement stays as it was.
 */
function blockCtes(d: DimRows, when: SQL): SQL {
  return sql`
    seal as (
      select (select sealed_before from dims_seal for share) as sealed_before
    ),
    dims_blocks as (
      insert into clicks_dims_blocks as r (link_id, days, start, dim, value, clicks, humans, bots, previews)
      select d.link_id, s.days, ${blockStartSql(sql`d.day`, sql`s.days`)}, d.dim, d.value,
             sum(d.clicks), sum(d.humans), sum(d.bots), sum(d.previews)
      from unnest(${textArray(d.link)}, ${typedArray(d.at, "date")}, ${textArray(d.dim)}, ${textArray(d.value)}, ${counterArrays(d.counts)})
        as d(link_id, day, dim, value, clicks, humans, bots, previews)
      cross join seal cross join unnest(${intArray(DIM_BLOCK_SPANS, "smallint")}) as s(days)
      where ${when} and d.day < seal.sealed_before
        and ${blockStartSql(sql`d.day`, sql`s.days`)} + s.days <= seal.sealed_before
      group by 1, 2, 3, 4, 5
      order by d.link_id = '*', 1, 2, 3, 4, 5
      on conflict (link_id, days, start, dim, value) do update set ${COUNTER_SET}
    )`;
}

/**
 * The rollup upserts (data-modifying CTEs) of a batch's new clicks; null when there are none. `when` gates
 * their input: it refers to `ins`, so they start only after the raw insert (keeping the lock order).
 */
export function rollupCtes(r: Rollups, when: SQL): SQL | null {
  if (r.hourly.link.length === 0) return null;
  const dims = (d: DimRows, time: "timestamptz" | "date") =>
    sql`select * from unnest(${textArray(d.link)}, ${typedArray(d.at, time)}, ${textArray(d.dim)}, ${textArray(d.value)}, ${counterArrays(d.counts)}) where ${when}`;
  const f = r.firsts;
  const t = r.linkTotals;
  const late = lateDays(r.dimsDaily, Date.now());
  return sql`
    dims_hourly as (
      insert into clicks_dims_hourly as r (link_id, hour, dim, value, clicks, humans, bots, previews)
      ${dims(r.dimsHourly, "timestamptz")}
      on conflict (link_id, hour, dim, value) do update set ${COUNTER_SET}
    ),
    dims_daily as (
      insert into clicks_dims_daily as r (link_id, day, dim, value, clicks, humans, bots, previews)
      ${dims(r.dimsDaily, "date")}
      on conflict (link_id, day, dim, value) do update set ${COUNTER_SET}
    ),
    ${late ? sql`${blockCtes(late, when)},` : sql``}
    link_totals as (
      insert into link_totals as r (days, start, link_id, clicks, humans, bots, previews)
      select * from unnest(${intArray(t.days, "smallint")}, ${typedArray(t.start, "date")}, ${textArray(t.link)}, ${counterArrays(t.counts)})
      where ${when}
      on conflict (days, start, link_id) do update set ${COUNTER_SET}
    ),
    -- Uniques: a visitor-day is counted in the hour of its first human click. The upsert returns the
    -- visitor-days this batch starts (prev_first_at null: +1 in their hour) and those it moves earlier
    -- (a late click older than the known first: -1 in the old hour, +1 in the new); others return nothing.
    -- The variant of the first click goes along (variant_uniques below); at equal first_at the smaller variant
    -- text, null first, is the first click, so the outcome does not depend on the order batches arrive in.
    visitors as (
      insert into visitor_days as v (day, link_id, visitor, first_at, variant)
      select * from unnest(${typedArray(f.day, "date")}, ${textArray(f.link)}, ${intArray(f.visitor, "bigint")}, ${typedArray(f.at, "timestamptz")}, ${textArray(f.variant)})
      where ${when}
      on conflict (day, link_id, visitor) do update
        set first_at = excluded.first_at, prev_first_at = v.first_at, variant = excluded.variant, prev_variant = v.variant
        where (excluded.first_at, coalesce(excluded.variant, '') collate "C") < (v.first_at, coalesce(v.variant, '') collate "C")
      returning link_id, first_at, prev_first_at, variant, prev_variant
    ),
    -- Uniques per A/B variant: each visitor-day in the hour and variant of its first human click, moved as above.
    variant_uniques as (
      insert into variant_uniques_hourly as r (link_id, hour, variant, uniques)
      select link_id, hour, variant, sum(n)::int
      from (
        select link_id, date_trunc('hour', first_at, 'UTC') as hour, variant, 1 as n from visitors where variant is not null
        union all
        select link_id, date_trunc('hour', prev_first_at, 'UTC'), prev_variant, -1 from visitors
        where prev_first_at is not null and prev_variant is not null
      ) u
      group by link_id, hour, variant
      having sum(n) <> 0
      order by link_id, hour, variant
      on conflict (link_id, hour, variant) do update set uniques = r.uniques + excluded.uniques
    ),
    hourly as (
      select link_id, hour, sum(clicks)::int as clicks, sum(humans)::int as humans, sum(bots)::int as bots,
             sum(previews)::int as previews, sum(uniques)::int as uniques
      from (
        select link_id, hour, clicks, humans, bots, previews, 0 as uniques
        from unnest(${textArray(r.hourly.link)}, ${typedArray(r.hourly.hour, "timestamptz")}, ${counterArrays(r.hourly.counts)})
          as h(link_id, hour, clicks, humans, bots, previews)
        where ${when}
        union all
        select link_id, date_trunc('hour', first_at, 'UTC'), 0, 0, 0, 0, 1 from visitors
        union all
        select link_id, date_trunc('hour', prev_first_at, 'UTC'), 0, 0, 0, 0, -1 from visitors where prev_first_at is not null
      ) u
      group by link_id, hour
    ),
    upsert_hourly as (
      insert into clicks_hourly as r (link_id, hour, clicks, humans, bots, previews, uniques)
      select * from hourly order by link_id = '*', link_id, hour
      on conflict (link_id, hour) do update set ${COUNTER_SET}, uniques = r.uniques + excluded.uniques
    )`;
}
