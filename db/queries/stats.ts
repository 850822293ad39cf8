/**
 * Reads one stats answer from the rollups in a single SQL statement (each round trip through the Neon
 * proxy costs more than the work): the link by slug, the time series and totals from clicks_hourly, the
 * top values of every dimension from clicks_dims_blocks and clicks_dims_daily (whole UTC days: sealed blocks
 * of days, and single days where none applies) plus the partial days at the edges (daily when all of the
 * day's clicks fall inside the range, else clicks_dims_hourly; a dimension's unknown value is what the total
 * leaves over), ranked per dimension with a window, and the link's ingested clicks outside the range (with
 * the range's own, its all-time total, for the live counter), and for one link its A/B variants (clicks and
 * humans from the "variant" dimension, uniques from variant_uniques_hourly). Raw clicks are never read. Every
 * lookup is a range scan of a primary key (docs/analytics.md has the plans).
 */
import { sql, type SQL } from "drizzle-orm";
import type { Db } from "../client.ts";
import { ALL_LINKS, type Dimension } from "../schema.ts";
import { linkCondition, scopeCondition, type LinkScope } from "./links.ts";
import { topLinksSql } from "./top-links.ts";
import { wholeDayParts } from "./dim-blocks.ts";
import { dimensionSpans, partialDayParts, ts } from "./stats-spans.ts";
import { toRawStats, type RawStats } from "./stats-result.ts";

const HOUR = 3_600_000;

/** The range a stats answer covers, as functions/analytics/range.ts resolves it. */
export interface StatsRange {
  /** Epoch ms, whole UTC hours, from < to. */
  from: number;
  to: number;
  interval: "hour" | "day";
  /** Bucket i covers the hours in [bounds[i], bounds[i+1]); bounds[0] = from, last = to. */
  bounds: number[];
}

export const botModes = ["exclude", "include", "only"] as const;
export type BotMode = (typeof botModes)[number];

/** What `clicks` means under each bots mode: humans only, every click, or bots and previews. */
const METRIC: Record<BotMode, SQL> = {
  exclude: sql.raw("humans"),
  include: sql.raw("clicks"),
  only: sql.raw("bots + previews"),
};
/** The same over the series CTE's columns (h, c, bo, p). */
const SERIES_METRIC: Record<BotMode, SQL> = {
  exclude: sql.raw("h"),
  include: sql.raw("c"),
  only: sql.raw("bo + p"),
};

export interface StatsRequest {
  /** One link by slug (on `domain`), or null: many links. */
  slug: string | null;
  /**
   * With a slug: the link's domain (null or absent: the default). Without: only links on this domain (null:
   * the default); absent: every domain.
   */
  domain?: string | null;
  /** What the caller may see; a link outside it reads as missing, and many links are only those it sees. */
  scope?: LinkScope;
  range: StatsRange;
  bots: BotMode;
  limit: number;
  dims: readonly Dimension[];
}

export async function readStats(db: Db, opts: StatsRequest): Promise<RawStats> {
  const { rows } = await db.execute(statsQuery(opts));
  return toRawStats(rows[0]);
}

/** The one statement (exported so the benchmark can EXPLAIN exactly what the Worker runs). */
export function statsQuery(opts: StatsRequest): SQL {
  const { range, limit } = opts;
  const scope = opts.scope ?? { domains: null, createdBy: null };
  // Many links but not every one (a domain, or a key's restrictions): the ALL_LINKS rows do not apply; the
  // rows of the links themselves are summed (uniques are then the sum of each link's visitor-days).
  const subset = opts.slug === null && (opts.domain !== undefined || scopeCondition(scope) !== undefined);
  const link = opts.slug !== null
    ? sql`(select id from links where ${linkCondition(opts.domain ?? null, opts.slug, scope)})`
    : sql`(select ${ALL_LINKS}::text)`;
  const members = subset
    ? sql`link_id in (select id from links where ${linkCondition(opts.domain, null, scope) ?? sql`true`})`
    : sql`link_id = (select id from link)`;
  const metric = METRIC[opts.bots];

  // Bucket index of an hour: hours are contiguous for interval=hour; day bounds go to width_bucket.
  const bucket =
    range.interval === "hour"
      ? sql`((extract(epoch from hour)::bigint - ${range.from / 1000}) / ${HOUR / 1000})::int`
      : sql`width_bucket(hour, ${`{${range.bounds.map((t) => new Date(t).toISOString()).join(",")}}`}::timestamptz[]) - 1`;

  // Top links need their slugs and domains: a primary-key lookup for each of the few rows kept, none for one link.
  const slugOf = opts.dims.includes("link")
    ? sql`case when r.dim = 'link' then (select json_build_array(slug, domain) from links where id = r.value collate "default") end`
    : sql`null`;

  const spans = dimensionSpans(range.from, range.to);
  const inList = (dims: readonly Dimension[]) => sql.join(dims.map((d) => sql`${d}`), sql`, `);
  // A subset has no "link" rows of its own (they exist under ALL_LINKS, and in link_totals for every link):
  // its top links come from its links' hourly rows instead.
  const rolled = subset ? opts.dims.filter((d) => d !== "link") : opts.dims;
  /** Dimensions read from clicks_dims_daily ("link" days are in link_totals). */
  const valueDims = opts.dims.filter((d) => d !== "link");
  /**
   * Those every click has a value of, hence an unknown (""): not the top links, nor the destination and
   * variant a routed click has and others lack.
   */
  const unknownDims = valueDims.filter((d) => d !== "destination" && d !== "variant");
  // Each part is summed on its own before the parts are merged: fewer rows cross the union (~20% faster).
  const parts: SQL[] = [];
  // value <> '': rows of unknown values are no longer written (each is derived below), but older ones remain.
  // Whole days from the sealed blocks that tile them and the daily rows of the rest (db/queries/dim-blocks.ts).
  if (spans.days && valueDims.length) {
    parts.push(...wholeDayParts(spans.days[0], spans.days[1], sql`dim, value, sum(${metric}) as n`,
      sql`${members} and dim in (${inList(valueDims)}) and value <> ''`, sql`dim, value`));
  }
  // All links' top links over whole days: from each link_totals block's leaders (db/queries/top-links.ts),
  // which also reads the edge hours of the "link" dimension.
  const edgeHours = spans.hours.length
    ? sql.join(spans.hours.map(([a, b]) => sql`(hour >= ${ts(a)} and hour < ${ts(b)})`), sql` or `)
    : null;
  const top = spans.days && rolled.includes("link")
    ? topLinksSql({ days: spans.days, edgeHours, allLinks: sql`(select id from link)`, metric, limit })
    : null;
  if (top) parts.push(...top.parts);
  // Partial days: daily rows when the day's clicks all fall inside, else hourly. Top links that did not come
  // from topLinksSql (a range inside one day) read the edge hours' "link" rows, which exist only hourly.
  const edgeLinks = !top && rolled.includes("link");
  for (const [a, b] of spans.hours) {
    if (valueDims.length) {
      parts.push(...partialDayParts(a, b, members, sql`dim, value, sum(${metric}) as n`,
        sql`${members} and dim in (${inList(valueDims)}) and value <> ''`, sql`dim, value`));
    }
    if (edgeLinks) {
      parts.push(sql`select dim, value, sum(${metric}) as n from clicks_dims_hourly
        where ${members} and hour >= ${ts(a)} and hour < ${ts(b)} and dim = 'link' group by dim, value`);
    }
  }
  if (subset && opts.dims.includes("link")) {
    parts.push(sql`select 'link' as dim, link_id as value, sum(${metric}) as n from clicks_hourly
      where ${members} and hour >= ${ts(range.from)} and hour < ${ts(range.to)} group by link_id`);
  }

  const variants = opts.slug !== null ? variantsSql(spans, range, metric) : sql`'[]'::json`;

  return sql`
    with link as (select ${link} as id),
    ${top?.ctes ?? sql``}
    series as (
      select ${bucket} as b, sum(clicks) as c, sum(humans) as h, sum(bots) as bo, sum(previews) as p, sum(uniques) as u
      from clicks_hourly
      where ${members} and hour >= ${ts(range.from)} and hour < ${ts(range.to)}
      group by 1
    ),
    known as (
      select dim, value, sum(n) as n
      from (${sql.join(parts, sql` union all `)}) u
      group by dim, value
    ),
    -- Every click has one value per dimension, so a dimension's unknown ("") is the range's total less its
    -- known values: the ingest does not write rows for unknown values (functions/ingest/rollup.ts).
    unknown as (
      select d.dim, '' as value, (select coalesce(sum(${SERIES_METRIC[opts.bots]}), 0) from series) - coalesce(sum(k.n), 0) as n
      from unnest(${`{${unknownDims.join(",")}}`}::text[]) as d(dim) left join known k on k.dim = d.dim
      group by d.dim
    ),
    ranked as (
      select dim, value, n, row_number() over (partition by dim order by n desc, value collate "C") as rk
      from (select * from known union all select * from unknown) g
      where n > 0
    )
    select
      (select id from link) as link_id,
      (select coalesce(json_agg(json_build_array(b, c, h, bo, p, u) order by b), '[]') from series) as series,
      (select coalesce(json_agg(json_build_array(r.dim, r.value, r.n, ${slugOf}) order by r.dim collate "C", r.rk), '[]')
         from ranked r where r.rk <= ${limit}) as dims,
      ${variants} as variants,
      ${opts.slug === null
        ? sql`null`
        : sql`(select json_build_array(coalesce(sum(clicks), 0), coalesce(sum(humans), 0))
                 from clicks_hourly
                 where link_id = (select id from link) and (hour < ${ts(range.from)} or hour >= ${ts(range.to)}))`} as outside,
      ${top?.pruned ?? sql`null`} as top_links_pruned`;
}

/**
 * The A/B variants of the link (the `link` CTE): all of them (a link has at most 10 at a time), clicks and
 * humans from the "variant" dimension (whole days and partial ones as the other dimensions), uniques from
 * variant_uniques_hourly.
 */
function variantsSql(spans: ReturnType<typeof dimensionSpans>, range: StatsRange, metric: SQL): SQL {
  const variantParts: SQL[] = [];
  if (spans.days) {
    variantParts.push(...wholeDayParts(spans.days[0], spans.days[1], sql`value, sum(${metric}) as c, sum(humans) as h, 0 as u`,
      sql`link_id = (select id from link) and dim = 'variant'`, sql`value`));
  }
  for (const [a, b] of spans.hours) {
    variantParts.push(...partialDayParts(a, b, sql`link_id = (select id from link)`, sql`value, sum(${metric}) as c, sum(humans) as h, 0 as u`,
      sql`link_id = (select id from link) and dim = 'variant'`, sql`value`));
  }
  variantParts.push(sql`select variant as value, 0 as c, 0 as h, sum(uniques) as u from variant_uniques_hourly
    where link_id = (select id from link) and hour >= ${ts(range.from)} and hour < ${ts(range.to)} group by variant`);
  return sql`(select coalesce(json_agg(json_build_array(value, c, h, u) order by c desc, value collate "C"), '[]')
          from (select value, sum(c) as c, sum(h) as h, sum(u) as u from (${sql.join(variantParts, sql` union all `)}) v
                group by value) g
          where c > 0 or h > 0 or u > 0)`;
}
