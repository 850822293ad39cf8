/**
 * The all-links top links of a range without summing every active link. Summing each link's link_totals
 * blocks costs one row per link and block: 10,000 active links over 90 days were 89,000 rows, 132 ms of the
 * stats statement on a fast day. Clicks are skewed (a few links take most of them), so instead:
 *
 * 1. each block's leaders: its LEADERS links with the most clicks, an index range of link_totals_rank_idx;
 * 2. a link outside a block's leaders has at most that block's last leader's clicks there (nothing, when the
 *    block has fewer rows than LEADERS: all of them are leaders), so any link that leads no block and has no
 *    click in the edge hours has at most the sum of those bounds, over the whole range;
 * 3. the candidates (every leader, every link of the edge hours) get their exact totals, by primary key;
 * 4. when the limit-th best candidate has more than that bound, no other link can enter the top links, so
 *    the candidates' totals are the answer, exactly. Otherwise (flat traffic: many links alike) every link's
 *    blocks are summed as before. The bound is in clicks, which no bots mode's count exceeds.
 *
 * Only the branch chosen runs: each branch of link_days is gated by a one-time filter.
 */
import { sql, type SQL } from "drizzle-orm";
import { LINK_TOTAL_SPANS } from "../schema.ts";

const DAY = 86_400_000;

/**
 * The link_totals blocks that tile the whole UTC days [from, to) (epoch ms of midnights): from each day on,
 * the longest block that starts there and ends inside. At most 3 blocks of each shorter length at each end.
 */
export function linkTotalBlocks(from: number, to: number): { days: number[]; start: string[] } {
  const out = { days: [] as number[], start: [] as string[] };
  const end = to / DAY;
  for (let d = from / DAY; d < end; ) {
    const span = LINK_TOTAL_SPANS.find((n) => d % n === 0 && d + n <= end) ?? 1;
    out.days.push(span);
    out.start.push(new Date(d * DAY).toISOString().slice(0, 10));
    d += span;
  }
  return out;
}

/** Tiles from linkTotalBlocks as a FROM item `alias(days, start)`: two array parameters, one row per tile. */
export function tilesTable(tiles: { days: readonly number[]; start: readonly string[] }, alias: string): SQL {
  return sql`unnest(${`{${tiles.days.join(",")}}`}::smallint[], ${`{${tiles.start.join(",")}}`}::date[]) as ${sql.raw(alias)}(days, start)`;
}

/** Leaders read per block: a few times the limit, so the bound usually falls below the limit-th link. */
export const leadersPerBlock = (limit: number) => Math.max(30, 3 * limit);

export interface TopLinksSql {
  /** CTEs to add to the statement's WITH (ending in a comma). */
  ctes: SQL;
  /** `select dim, value, n` rows of dim "link" for the whole days and the edge hours. */
  parts: SQL[];
  /** Whether the candidates were the answer (true) or every link was summed (false). */
  pruned: SQL;
}

export function topLinksSql(opts: {
  /** Whole UTC days (epoch ms of midnights) of the range. */
  days: [number, number];
  /** The condition on `hour` of the range's edge hours (its partial days), or null when it has none. */
  edgeHours: SQL | null;
  /** The ALL_LINKS id expression whose "link" dimension holds the edge hours. */
  allLinks: SQL;
  /** What a click counts as under the bots mode (a link_totals / rollup column expression). */
  metric: SQL;
  limit: number;
}): TopLinksSql {
  const { metric, limit } = opts;
  const leaders = leadersPerBlock(limit);
  const blocks = linkTotalBlocks(opts.days[0], opts.days[1]);
  // value is collated "C" (a rollup column); link ids compare in the default collation of link_totals and
  // links, whose indexes are only used by a comparison in that collation.
  const edges = opts.edgeHours
    ? sql`select value collate "default" as value, sum(${metric}) as n from clicks_dims_hourly
        where link_id = ${opts.allLinks} and dim = 'link' and (${opts.edgeHours}) and value <> ''
        group by value`
    : sql`select null::text as value, 0::bigint as n where false`;
  // LATERAL with OFFSET 0 is not flattened into a join: one index range scan per block, not one scan of
  // the whole table against the handful of blocks. The leaders are read in the index's own order (desc nulls
  // last: with plain desc, which puts nulls first, Postgres sorts the whole block instead).
  const ctes = sql`
    link_blocks as (
      select * from ${tilesTable(blocks, "b")}
    ),
    link_leaders as (
      select b.days, b.start, t.link_id, t.clicks from link_blocks b cross join lateral (
        select link_id, clicks from link_totals where days = b.days and start = b.start order by clicks desc nulls last limit ${leaders}
      ) t
    ),
    link_bound as (
      select coalesce(sum(low), 0) as n
      from (select min(clicks) as low from link_leaders group by days, start having count(*) = ${leaders}) s
    ),
    link_edges as (${edges}),
    link_candidates as (select link_id as value from link_leaders union select value from link_edges),
    link_exact as (
      select t.link_id as value, sum(t.n) as n from link_blocks b cross join lateral (
        select link_id, ${metric} as n from link_totals
        where days = b.days and start = b.start and link_id in (select value from link_candidates) offset 0
      ) t
      group by t.link_id
    ),
    link_pruned as (
      select (select n from link_bound) = 0 or coalesce((
        select sum(n) from (select value, n from link_exact union all select value, n from link_edges) c
        group by value order by 1 desc offset ${limit - 1} limit 1
      ), -1) > (select n from link_bound) as ok
    ),
    link_days as (
      select value, n from link_exact where (select ok from link_pruned)
      union all
      select t.link_id, sum(t.n) from link_blocks b cross join lateral (
        select link_id, ${metric} as n from link_totals where days = b.days and start = b.start offset 0
      ) t
      where not (select ok from link_pruned)
      group by t.link_id
    ),`;
  return {
    ctes,
    parts: [sql`select 'link' as dim, value, n from link_days`, sql`select 'link' as dim, value, n from link_edges`],
    pruned: sql`(select ok from link_pruned)`,
  };
}
