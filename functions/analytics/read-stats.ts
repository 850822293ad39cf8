/**
 * Reads one stats answer from the rollups in a single SQL statement (each round trip through the Neon
 * proxy costs more than the work): the link by slug, the time series and totals from clicks_hourly, the
 * top values of every dimension from clicks_dims_daily (whole UTC days) plus clicks_dims_hourly (the
 * partial days at the edges), ranked per dimension with a window, and the link's all-time ingested total
 * for the live counter. Raw clicks are never read. Every lookup is a range scan of a primary key
 * (docs/analytics.md has the plans).
 */
import { sql, type SQL } from "drizzle-orm";
import type { Db } from "../shared/db.ts";
import { ALL_LINKS, type Dimension } from "../../db/schema.ts";
import { DAY, HOUR } from "./zoned-time.ts";
import type { ResolvedRange } from "./range.ts";

export const botModes = ["exclude", "include", "only"] as const;
export type BotMode = (typeof botModes)[number];

/** What `clicks` means under each bots mode (DESIGN.md). */
const METRIC: Record<BotMode, SQL> = {
  exclude: sql.raw("humans"),
  include: sql.raw("clicks"),
  only: sql.raw("bots + previews"),
};

export interface SeriesRow {
  bucket: number;
  clicks: number;
  humans: number;
  bots: number;
  previews: number;
  uniques: number;
}

export interface DimRow {
  dim: Dimension;
  value: string;
  n: number;
  /** Slug of the link, for dim "link" (null when the link is gone). */
  slug: string | null;
}

export interface RawStats {
  /** null: no link has this slug. */
  linkId: string | null;
  series: SeriesRow[];
  dims: DimRow[];
  /** All-time ingested clicks and humans of the link (per-link reads only). */
  allTime: { clicks: number; humans: number } | null;
}

/** The UTC dates and hours that serve the dimensions of [from, to): whole days daily, the rest hourly. */
export function dimensionSpans(from: number, to: number) {
  const dayFrom = Math.ceil(from / DAY) * DAY;
  const dayTo = Math.floor(to / DAY) * DAY;
  if (dayFrom >= dayTo) return { days: null, hours: [[from, to]] as [number, number][] };
  const hours = ([[from, dayFrom], [dayTo, to]] as [number, number][]).filter(([a, b]) => a < b);
  return { days: [dayFrom, dayTo] as [number, number], hours };
}

const ts = (t: number) => sql`${new Date(t).toISOString()}::timestamptz`;
const date = (t: number) => sql`${new Date(t).toISOString().slice(0, 10)}::date`;

export async function readStats(
  db: Db,
  opts: { slug: string | null; range: ResolvedRange; bots: BotMode; limit: number; dims: readonly Dimension[] },
): Promise<RawStats> {
  const { range, limit } = opts;
  const link = opts.slug === null ? sql`(select ${ALL_LINKS}::text)` : sql`(select id from links where slug = ${opts.slug})`;
  const metric = METRIC[opts.bots];

  // Bucket index of an hour: hours are contiguous for interval=hour; day bounds go to width_bucket.
  const bucket =
    range.interval === "hour"
      ? sql`((extract(epoch from hour)::bigint - ${range.from / 1000}) / ${HOUR / 1000})::int`
      : sql`width_bucket(hour, ${`{${range.bounds.map((t) => new Date(t).toISOString()).join(",")}}`}::timestamptz[]) - 1`;

  const spans = dimensionSpans(range.from, range.to);
  const dimList = sql.join(opts.dims.map((d) => sql`${d}`), sql`, `);
  const parts: SQL[] = [];
  if (spans.days) {
    parts.push(sql`select dim, value, clicks, humans, bots, previews from clicks_dims_daily
      where link_id = (select id from link) and day >= ${date(spans.days[0])} and day < ${date(spans.days[1])}
        and dim in (${dimList})`);
  }
  for (const [a, b] of spans.hours) {
    parts.push(sql`select dim, value, clicks, humans, bots, previews from clicks_dims_hourly
      where link_id = (select id from link) and hour >= ${ts(a)} and hour < ${ts(b)} and dim in (${dimList})`);
  }

  const query = sql`
    with link as (select ${link} as id),
    series as (
      select ${bucket} as b, sum(clicks) as c, sum(humans) as h, sum(bots) as bo, sum(previews) as p, sum(uniques) as u
      from clicks_hourly
      where link_id = (select id from link) and hour >= ${ts(range.from)} and hour < ${ts(range.to)}
      group by 1
    ),
    ranked as (
      select dim, value, n, row_number() over (partition by dim order by n desc, value) as rk
      from (
        select dim, value, sum(${metric}) as n
        from (${sql.join(parts, sql` union all `)}) u
        group by dim, value
      ) g
      where n > 0
    )
    select
      (select id from link) as link_id,
      (select coalesce(json_agg(json_build_array(b, c, h, bo, p, u) order by b), '[]') from series) as series,
      (select coalesce(json_agg(json_build_array(r.dim, r.value, r.n, l.slug) order by r.dim, r.rk), '[]')
         from ranked r left join links l on r.dim = 'link' and l.id = r.value
         where r.rk <= ${limit}) as dims,
      ${opts.slug === null
        ? sql`null`
        : sql`(select json_build_array(coalesce(sum(clicks), 0), coalesce(sum(humans), 0))
                 from clicks_hourly where link_id = (select id from link))`} as all_time`;

  const { rows } = await db.execute(query);
  const row = rows[0] as { link_id: string | null; series: unknown; dims: unknown; all_time: unknown };
  const parse = <T>(v: unknown): T => (typeof v === "string" ? JSON.parse(v) : v) as T;
  const series = parse<[number, number, number, number, number, number][]>(row.series).map(
    ([bucket, clicks, humans, bots, previews, uniques]) => ({
      bucket, clicks: Number(clicks), humans: Number(humans), bots: Number(bots), previews: Number(previews), uniques: Number(uniques),
    }),
  );
  const dims = parse<[Dimension, string, number, string | null][]>(row.dims).map(([dim, value, n, slug]) => ({
    dim, value, n: Number(n), slug,
  }));
  const allTime = parse<[number, number] | null>(row.all_time);
  return {
    linkId: row.link_id,
    series,
    dims,
    allTime: allTime ? { clicks: Number(allTime[0]), humans: Number(allTime[1]) } : null,
  };
}
