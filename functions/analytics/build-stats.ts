/** Shapes the rows read from the rollups into the Stats of the HTTP contract. */
import type { Dimension } from "../../db/schema.ts";
import type { ResolvedRange } from "./range.ts";
import type { BotMode } from "../../db/queries/stats.ts";
import type { RawStats } from "../../db/queries/stats-result.ts";
import type { AllStats, Stats } from "./schema.ts";

type DimField =
  | "referrers" | "countries" | "cities" | "devices" | "browsers" | "os" | "utmSources" | "utmMediums" | "utmCampaigns"
  | "destinations";

/** Each rollup dimension and its field in Stats, in the order the answer lists them. */
export const DIMENSION_FIELDS: readonly (readonly [Dimension, DimField])[] = [
  ["referrer", "referrers"],
  ["country", "countries"],
  ["city", "cities"],
  ["device", "devices"],
  ["browser", "browsers"],
  ["os", "os"],
  ["utm_source", "utmSources"],
  ["utm_medium", "utmMediums"],
  ["utm_campaign", "utmCampaigns"],
];

/** Per-link only: where routing sent the clicks (docs/routing.md). */
export const LINK_ONLY_DIMENSION_FIELDS: readonly (readonly [Dimension, DimField])[] = [["destination", "destinations"]];

const metric: Record<BotMode, (r: { clicks: number; humans: number; bots: number; previews: number }) => number> = {
  exclude: (r) => r.humans,
  include: (r) => r.clicks,
  only: (r) => r.bots + r.previews,
};

/** The per-link Stats, and the top links (only meaningful for the all-links view). */
export function buildStats(
  raw: RawStats,
  range: ResolvedRange,
  bots: BotMode,
  live: Stats["live"],
): { stats: Stats; topLinks: AllStats["topLinks"] } {
  const timeseries = range.labels.map((t) => ({ t, clicks: 0, humans: 0, uniques: 0 }));
  const totals = { clicks: 0, humans: 0, bots: 0, previews: 0, uniques: 0 };
  for (const r of raw.series) {
    const point = timeseries[r.bucket];
    if (!point) continue; // cannot happen: SQL reads exactly [from, to)
    point.clicks = metric[bots](r);
    point.humans = r.humans;
    point.uniques = r.uniques;
    totals.clicks += point.clicks;
    totals.humans += r.humans;
    totals.bots += r.bots;
    totals.previews += r.previews;
    totals.uniques += r.uniques;
  }
  const fields = [...DIMENSION_FIELDS, ...LINK_ONLY_DIMENSION_FIELDS];
  const lists = Object.fromEntries(fields.map(([, f]) => [f, [] as { value: string | null; clicks: number }[]]));
  const byDim = new Map(fields);
  const topLinks: AllStats["topLinks"] = [];
  for (const d of raw.dims) {
    if (d.dim === "link") topLinks.push({ slug: d.slug, domain: d.domain, linkId: d.value, clicks: d.n });
    else lists[byDim.get(d.dim)!]?.push({ value: d.value === "" ? null : d.value, clicks: d.n });
  }
  const stats: Stats = {
    from: new Date(range.from).toISOString(),
    to: new Date(range.to).toISOString(),
    interval: range.interval,
    tz: range.tz,
    bots,
    totals,
    timeseries,
    ...(lists as Record<DimField, { value: string | null; clicks: number }[]>),
    variants: raw.variants,
    live,
  };
  return { stats, topLinks };
}
