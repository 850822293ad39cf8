/**
 * The rollups recomputed from the raw clicks table with plain GROUP BY, compared with what the ingest
 * maintained incrementally. Either for given links, or for the ALL_LINKS ("*") rows of a time window that
 * only the calling test writes clicks into.
 */
import { sql, type SQL } from "drizzle-orm";
import { arrayLiteral } from "../../db/sql-arrays.ts";
import type { Db } from "../../db/client.ts";

/** Which rollup rows to check: those of given links, or the all-links ("*") rows of a time window. */
export type RollupScope = { links: string[] } | { allLinks: { from: Date; to: Date } };

const COLS = sql.raw(`c.link_id as orig, c.id, c.ts, c.kind, c.visitor, c.referrer_host, c.country, c.city, c.device,
  c.browser, c.os, c.utm_source, c.utm_medium, c.utm_campaign, c.chosen_url,
  case when c.chosen_by like 'variant:%' then c.chosen_url end as variant`);

function source(scope: RollupScope): SQL {
  return "links" in scope
    ? sql`select c.link_id, ${COLS} from clicks c where c.link_id = any(${arrayLiteral(scope.links)}::text[])`
    : sql`select '*' as link_id, ${COLS} from clicks c
          where c.ts >= ${scope.allLinks.from.toISOString()}::timestamptz and c.ts < ${scope.allLinks.to.toISOString()}::timestamptz`;
}

function actualFilter(scope: RollupScope, time: SQL): SQL {
  return "links" in scope
    ? sql`link_id = any(${arrayLiteral(scope.links)}::text[])`
    : sql`link_id = '*' and ${time} >= ${scope.allLinks.from.toISOString()}::timestamptz and ${time} < ${scope.allLinks.to.toISOString()}::timestamptz`;
}

/** The first day of the aligned block of `days` days that holds `day` (counted from 1970-01-01). */
const blockOf = (day: SQL, days: SQL) => sql`date '1970-01-01' + ((${day} - date '1970-01-01') / ${days}) * ${days}`;

const COUNTS = sql`count(*)::int, (count(*) filter (where kind = 'human'))::int,
  (count(*) filter (where kind = 'bot'))::int, (count(*) filter (where kind = 'preview'))::int`;

/**
 * link_totals: per link, its clicks in every aligned block of 1, 4, 16 and 64 UTC days. For a scope of links,
 * every block of theirs; for an all-links window (whole days), the one-day blocks in it (longer blocks reach
 * days other tests write).
 */
function linkTotals(scope: RollupScope): [SQL, SQL] {
  const day = sql`(c.ts at time zone 'UTC')::date`;
  const start = blockOf(day, sql`s.days`);
  if ("links" in scope) {
    const links = sql`${arrayLiteral(scope.links)}::text[]`;
    return [
      sql`select s.days::smallint, ${start} as start, c.link_id, ${COUNTS}
          from clicks c cross join (values (1), (4), (16), (64)) s(days) where c.link_id = any(${links}) group by 1, 2, 3`,
      sql`select days, start, link_id, clicks, humans, bots, previews from link_totals where link_id = any(${links})`,
    ];
  }
  const { from, to } = scope.allLinks;
  const inWindow = (t: SQL) => sql`${t} >= ${from.toISOString()}::timestamptz and ${t} < ${to.toISOString()}::timestamptz`;
  return [
    sql`select 1::smallint as days, ${day} as start, c.link_id, ${COUNTS} from clicks c where ${inWindow(sql`c.ts`)} group by 2, 3`,
    sql`select days, start, link_id, clicks, humans, bots, previews from link_totals
        where days = 1 and ${inWindow(sql`(start::timestamp at time zone 'UTC')`)}`,
  ];
}

/**
 * clicks_dims_blocks: per link, dimension and value, the clicks of every aligned block of 4, 16 and 64 UTC
 * days that ends by the seal (a sealed block exists whether the fold or the ingest wrote it). For an
 * all-links window, the blocks inside it (longer ones reach days other tests write).
 */
function dimBlocks(scope: RollupScope, dims: SQL): [SQL, SQL] {
  const start = blockOf(sql`(s.ts at time zone 'UTC')::date`, sql`b.days`);
  const sealed = sql`(select sealed_before from dims_seal)`;
  const inWindow = "links" in scope
    ? sql`true`
    : sql`start >= ${scope.allLinks.from.toISOString().slice(0, 10)}::date and start + days <= ${scope.allLinks.to.toISOString().slice(0, 10)}::date`;
  return [
    sql`select * from (
          select s.link_id, b.days::smallint as days, ${start} as start, d.dim, d.value, ${COUNTS}
          from (${source(scope)}) s cross join (values (4), (16), (64)) b(days) ${dims} and d.dim <> 'link'
            and ${start} + b.days <= ${sealed}
          group by 1, 2, 3, 4, 5) x
        where ${inWindow}`,
    sql`select link_id, days, start, dim, value, clicks, humans, bots, previews from clicks_dims_blocks
        where ${"links" in scope ? sql`link_id = any(${arrayLiteral(scope.links)}::text[])` : sql`link_id = '*'`} and ${inWindow}`,
  ];
}

/** Rows that differ between the maintained rollups and the recomputation, per table (empty = equal). */
export async function rollupDiff(db: Db, scope: RollupScope): Promise<Record<string, unknown[]>> {
  const src = source(scope);
  const dims = sql`cross join lateral (values ('referrer', s.referrer_host), ('country', s.country), ('city', s.city),
      ('device', s.device), ('browser', s.browser), ('os', s.os), ('utm_source', s.utm_source),
      ('utm_medium', s.utm_medium), ('utm_campaign', s.utm_campaign), ('link', s.orig),
      ('destination', s.chosen_url), ('variant', s.variant)) as d(dim, value)
      where case d.dim when 'link' then s.link_id = '*'
                       when 'destination' then s.link_id <> '*' and s.chosen_url is not null
                       when 'variant' then s.link_id <> '*' and s.variant is not null
                       else true end
        and d.value <> ''`; // unknown values have no rows (ingest/rollup.ts)
  const q = {
    hourly: [
      sql`with s as (${src}),
          a as (select link_id, date_trunc('hour', ts, 'UTC') as hour, count(*)::int as clicks,
                       (count(*) filter (where kind = 'human'))::int as humans, (count(*) filter (where kind = 'bot'))::int as bots,
                       (count(*) filter (where kind = 'preview'))::int as previews
                from s group by 1, 2),
          f as (select link_id, (ts at time zone 'UTC')::date, visitor, min(ts) as first_at from s where kind = 'human' group by 1, 2, 3),
          u as (select link_id, date_trunc('hour', first_at, 'UTC') as hour, count(*)::int as uniques from f group by 1, 2)
          select a.link_id, a.hour, a.clicks, a.humans, a.bots, a.previews, coalesce(u.uniques, 0) as uniques
          from a left join u using (link_id, hour)`,
      sql`select link_id, hour, clicks, humans, bots, previews, uniques from clicks_hourly where ${actualFilter(scope, sql`hour`)}`,
    ],
    dims_hourly: [
      sql`select s.link_id, date_trunc('hour', s.ts, 'UTC') as hour, d.dim, d.value, ${COUNTS}
          from (${src}) s ${dims} group by 1, 2, 3, 4`,
      sql`select link_id, hour, dim, value, clicks, humans, bots, previews from clicks_dims_hourly where ${actualFilter(scope, sql`hour`)}`,
    ],
    dims_daily: [
      sql`select s.link_id, (s.ts at time zone 'UTC')::date as day, d.dim, d.value, ${COUNTS}
          from (${src}) s ${dims} and d.dim <> 'link' group by 1, 2, 3, 4`,
      sql`select link_id, day, dim, value, clicks, humans, bots, previews from clicks_dims_daily
          where ${actualFilter(scope, sql`(day::timestamp at time zone 'UTC')`)}`,
    ],
    link_totals: linkTotals(scope),
    dims_blocks: dimBlocks(scope, dims),
    // A visitor-day's unique goes to the variant of its first human click: earliest, then the smallest variant
    // text (null first) among clicks of the same instant, as the ingest's upsert orders them.
    variant_uniques: [
      sql`with s as (${src}),
          f as (select distinct on (link_id, (ts at time zone 'UTC')::date, visitor) link_id, ts, variant from s
                where kind = 'human' and link_id <> '*'
                order by link_id, (ts at time zone 'UTC')::date, visitor, ts, coalesce(variant, '') collate "C")
          select link_id, date_trunc('hour', ts, 'UTC') as hour, variant, count(*)::int as uniques
          from f where variant is not null group by 1, 2, 3`,
      sql`select link_id, hour, variant, uniques from variant_uniques_hourly where uniques <> 0 and ${actualFilter(scope, sql`hour`)}`,
    ],
  };
  const out: Record<string, unknown[]> = {};
  for (const [table, [exp, act]] of Object.entries(q)) {
    const r = await db.execute(sql`
      (select 'missing or wrong' as problem, * from ((${exp}) except all (${act})) x)
      union all
      (select 'unexpected or wrong' as problem, * from ((${act}) except all (${exp})) y)
      limit 20`);
    if (r.rows.length) out[table] = r.rows;
  }
  return out;
}
