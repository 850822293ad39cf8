/** The rows of one stats answer as db/queries/stats.ts's statement returns them, parsed. */
import type { Dimension } from "../schema.ts";

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
  /** Slug and domain (null: the default) of the link, for dim "link"; both null when the link is gone. */
  slug: string | null;
  domain: string | null;
}

/** One A/B variant (by its URL) over the range; `clicks` as the bots mode counts them. */
export interface VariantStatsRow {
  value: string;
  clicks: number;
  humans: number;
  uniques: number;
}

export interface RawStats {
  /** null: no link has this slug. */
  linkId: string | null;
  series: SeriesRow[];
  dims: DimRow[];
  /** Per-link reads only (empty for all links): every variant with clicks or uniques in the range. */
  variants: VariantStatsRow[];
  /** All-time ingested clicks and humans of the link (per-link reads only). */
  allTime: { clicks: number; humans: number } | null;
  /**
   * All links' top links over whole days: true when they came from the blocks' leaders, false when every
   * link was summed (db/queries/top-links.ts); null when not read that way.
   */
  topLinksPruned: boolean | null;
}

export function toRawStats(result: unknown): RawStats {
  const row = result as {
    link_id: string | null; series: unknown; dims: unknown; variants: unknown; outside: unknown; top_links_pruned: boolean | null;
  };
  const parse = <T>(v: unknown): T => (typeof v === "string" ? JSON.parse(v) : v) as T;
  const series = parse<[number, number, number, number, number, number][]>(row.series).map(
    ([bucket, clicks, humans, bots, previews, uniques]) => ({
      bucket, clicks: Number(clicks), humans: Number(humans), bots: Number(bots), previews: Number(previews), uniques: Number(uniques),
    }),
  );
  const dims = parse<[Dimension, string, number, [string, string | null] | null][]>(row.dims).map(([dim, value, n, link]) => ({
    dim, value, n: Number(n), slug: link?.[0] ?? null, domain: link?.[1] ?? null,
  }));
  const variants = parse<[string, number, number, number][]>(row.variants).map(([value, clicks, humans, uniques]) => ({
    value, clicks: Number(clicks), humans: Number(humans), uniques: Number(uniques),
  }));
  // All time = the range (already summed in the series) + the hours outside it, so the range is read once.
  const outside = parse<[number, number] | null>(row.outside);
  const allTime = outside && {
    clicks: Number(outside[0]) + series.reduce((n, r) => n + r.clicks, 0),
    humans: Number(outside[1]) + series.reduce((n, r) => n + r.humans, 0),
  };
  return { linkId: row.link_id, series, dims, variants, allTime, topLinksPruned: row.top_links_pruned };
}
