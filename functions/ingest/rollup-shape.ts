/**
 * The shapes a batch's rollups are aggregated in (functions/ingest/rollup.ts, rollup-rows.ts): the dimensions
 * and their columns, the nested maps of one pass over the clicks, and the rows they become. Apart from both
 * passes because both walk the same maps.
 */
import type { ClickRecord } from "./enrich.ts";

/** Dimension name -> column of the raw row. "link" exists only under ALL_LINKS and is added separately. */
export const DIMS = [
  ["referrer", "referrer_host"], ["country", "country"], ["city", "city"], ["device", "device"],
  ["browser", "browser"], ["os", "os"], ["utm_source", "utm_source"], ["utm_medium", "utm_medium"],
  ["utm_campaign", "utm_campaign"],
] as const satisfies readonly (readonly [string, keyof ClickRecord])[];

/**
 * Per link only, never under ALL_LINKS, and only for clicks that carry them (events from before routing do
 * not): "destination" is the URL chosen (chosen_url), "variant" that URL when an A/B variant chose it.
 */
export const ROUTE_DIMS = ["destination", "variant"] as const;

/** clicks, humans, bots, previews. */
export type Counts = [number, number, number, number];
export const SLOT = { human: 1, bot: 2, preview: 3 } as const;

/** Column arrays of rollup rows keyed by link, time (hour or day), dimension and value. */
export interface DimRows {
  link: string[];
  at: string[];
  dim: string[];
  value: string[];
  counts: Counts[];
}

export interface Rollups {
  /** clicks_dims_hourly; `at` is the start of the UTC hour (ISO 8601). */
  dimsHourly: DimRows;
  /** clicks_dims_daily; `at` is the UTC day (YYYY-MM-DD). Without ALL_LINKS's "link": that is linkTotals. */
  dimsDaily: DimRows;
  /** link_totals: each link's clicks in its block of every length, `start` the block's first day. */
  linkTotals: { days: number[]; start: string[]; link: string[]; counts: Counts[] };
  /** clicks_hourly without uniques (those depend on visitor_days, see commit.ts). */
  hourly: { link: string[]; hour: string[]; counts: Counts[] };
  /**
   * Candidates for visitor_days: first human click per UTC day, link (and ALL_LINKS) and visitor key, with
   * the variant that served it (null: none, and always for ALL_LINKS).
   */
  firsts: { day: string[]; link: string[]; visitor: string[]; at: string[]; variant: (string | null)[] };
}

/** value -> counts, one map per dimension (index in DIM_NAMES). */
export type DimMaps = Map<string, Counts>[];
/** link -> time (hour or day) -> dimension maps. */
export type DimTree = Map<string, Map<string, DimMaps>>;

/** One link's hour ("YYYY-MM-DDTHH", ts being toISOString()): its counts and each dimension's values. */
export interface HourGroup {
  counts: Counts;
  dims: DimMaps;
}
/** link -> hour -> group: the batch's own links, ALL_LINKS not yet added. */
export type Series = Map<string, Map<string, HourGroup>>;
/**
 * UTC day -> link (and ALL_LINKS) -> visitor hash -> time of the visitor's first human click, and its variant
 * when a variant served it (kept apart, so clicks without one allocate nothing more).
 */
export interface FirstVisits {
  at: Map<string, string>;
  variant: Map<string, string>;
}
export type Firsts = Map<string, Map<string, FirstVisits>>;

// Every level is a Map keyed by the plain strings of the click: no key is built by concatenation, which
// cost more than everything else together (a fresh string to hash per lookup).
export const DIM_NAMES = [...DIMS.map(([dim]) => dim), "link", ...ROUTE_DIMS];
export const LINK_DIM = DIMS.length;
export const DESTINATION_DIM = LINK_DIM + 1;
export const VARIANT_DIM = LINK_DIM + 2;
/** Dimension indexes in name order, so rows come out sorted by (link, time, dim, value). */
export const DIM_ORDER = DIM_NAMES.map((_, i) => i).sort((a, b) => (DIM_NAMES[a] < DIM_NAMES[b] ? -1 : 1));
/** The same without "link", for the daily rows (link_totals holds the days of the top links). */
export const DAILY_DIM_ORDER = DIM_ORDER.filter((i) => i !== LINK_DIM);
export const DAY_MS = 86_400_000;

export const newDims = (): DimMaps => DIM_NAMES.map(() => new Map());
export const newGroup = (): HourGroup => ({ counts: [0, 0, 0, 0], dims: newDims() });
export const newMap = () => new Map();

export const newFirsts = (): FirstVisits => ({ at: new Map(), variant: new Map() });

/**
 * Whether a click at `ts` served by `variant` comes before the first one known (`at`, `known`): earlier, or
 * at the same time with a smaller variant text (null first), the order visitor_days' upsert uses (commit.ts).
 * Time order is string order (same fixed-width ISO format).
 */
const isEarlier = (ts: string, variant: string | null, at: string | undefined, known: string | undefined) =>
  at === undefined || ts < at || (ts === at && (variant ?? "") < (known ?? ""));

/** Keeps the earliest click (time, then variant) per visitor. */
export function firstVisit(f: FirstVisits, visitor: string, ts: string, variant: string | null) {
  if (!isEarlier(ts, variant, f.at.get(visitor), f.variant.get(visitor))) return;
  f.at.set(visitor, ts);
  if (variant !== null) f.variant.set(visitor, variant);
  else if (f.variant.size) f.variant.delete(visitor);
}

export function getOrSet<K, V>(m: Map<K, V>, k: K, make: () => V): V {
  let v = m.get(k);
  if (v === undefined) m.set(k, (v = make()));
  return v;
}

export function addCounts(m: Map<string, Counts>, value: string, c: Counts) {
  const into = m.get(value);
  if (into) {
    into[0] += c[0]; into[1] += c[1]; into[2] += c[2]; into[3] += c[3];
  } else m.set(value, [c[0], c[1], c[2], c[3]]);
}
