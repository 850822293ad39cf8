/**
 * The rollup deltas of a batch, aggregated here rather than in SQL: grouping 10,000 clicks by link, hour,
 * dimension and value (and again by day, for all links, for first visits) was a third of the Postgres time
 * of a commit, and Postgres is what bounds ingestion. Here it runs in the Worker while earlier batches
 * commit. What reaches Postgres is one row per rollup row to upsert,
 * with unique keys (ON CONFLICT DO UPDATE cannot touch a row twice in one statement), sorted by key so each
 * upsert walks its index in order.
 *
 * Uniques are the exception: which visitor-days a batch starts depends on what Postgres already holds, so
 * only the candidates (first human click per visitor, day and link in this batch) are computed here.
 */
import { ALL_LINKS, LINK_TOTAL_SPANS } from "../../db/schema/rollups.ts";
import type { ClickRecord } from "./enrich.ts";

/** Dimension name -> column of the raw row. "link" exists only under ALL_LINKS and is added separately. */
const DIMS = [
  ["referrer", "referrer_host"], ["country", "country"], ["city", "city"], ["device", "device"],
  ["browser", "browser"], ["os", "os"], ["utm_source", "utm_source"], ["utm_medium", "utm_medium"],
  ["utm_campaign", "utm_campaign"],
] as const satisfies readonly (readonly [string, keyof ClickRecord])[];

/**
 * Per link only, never under ALL_LINKS, and only for clicks that carry them (events from before routing do
 * not): "destination" is the URL chosen (chosen_url), "variant" that URL when an A/B variant chose it.
 */
const ROUTE_DIMS = ["destination", "variant"] as const;

/** clicks, humans, bots, previews. */
type Counts = [number, number, number, number];
const SLOT = { human: 1, bot: 2, preview: 3 } as const;

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
type DimMaps = Map<string, Counts>[];
/** link -> time (hour or day) -> dimension maps. */
type DimTree = Map<string, Map<string, DimMaps>>;

/** One link's hour ("YYYY-MM-DDTHH", ts being toISOString()): its counts and each dimension's values. */
interface HourGroup {
  counts: Counts;
  dims: DimMaps;
}
/** link -> hour -> group: the batch's own links, ALL_LINKS not yet added. */
type Series = Map<string, Map<string, HourGroup>>;
/**
 * UTC day -> link (and ALL_LINKS) -> visitor hash -> time of the visitor's first human click, and its variant
 * when a variant served it (kept apart, so clicks without one allocate nothing more).
 */
interface FirstVisits {
  at: Map<string, string>;
  variant: Map<string, string>;
}
type Firsts = Map<string, Map<string, FirstVisits>>;

// Every level is a Map keyed by the plain strings of the click: no key is built by concatenation, which
// cost more than everything else together (a fresh string to hash per lookup).
const DIM_NAMES = [...DIMS.map(([dim]) => dim), "link", ...ROUTE_DIMS];
const LINK_DIM = DIMS.length;
const DESTINATION_DIM = LINK_DIM + 1;
const VARIANT_DIM = LINK_DIM + 2;
/** Dimension indexes in name order, so rows come out sorted by (link, time, dim, value). */
const DIM_ORDER = DIM_NAMES.map((_, i) => i).sort((a, b) => (DIM_NAMES[a] < DIM_NAMES[b] ? -1 : 1));
/** The same without "link", for the daily rows (link_totals holds the days of the top links). */
const DAILY_DIM_ORDER = DIM_ORDER.filter((i) => i !== LINK_DIM);
const DAY_MS = 86_400_000;

/** The rollup rows a batch of new clicks adds to (see the module comment). */
export function aggregate(records: readonly ClickRecord[]): Rollups {
  // 1. One pass over the clicks.
  const series: Series = new Map();
  const firsts: Firsts = new Map();
  for (const r of records) {
    const group = hourGroup(series, r);
    const slot = SLOT[r.kind];
    countSeries(group.counts, slot);
    countDimensions(group.dims, r, slot);
    if (r.chosen_url !== null) countRoute(group.dims, r.chosen_url, r.chosen_by, slot);
    if (r.kind === "human") firstHuman(firsts, r);
  }
  // 2. What that adds up to, as rows sorted by key.
  const dimsHourly = withAllLinks(series);
  const dimsDaily = byDay(dimsHourly);
  return {
    dimsHourly: dimRows(dimsHourly, hourOf, DIM_ORDER),
    dimsDaily: dimRows(dimsDaily, same, DAILY_DIM_ORDER),
    linkTotals: linkTotalRows(dimsDaily.get(ALL_LINKS)!),
    hourly: hourlyRows(series),
    firsts: firstRows(firsts),
  };
}

// ---- 1. Per click

const newDims = (): DimMaps => DIM_NAMES.map(() => new Map());
const newGroup = (): HourGroup => ({ counts: [0, 0, 0, 0], dims: newDims() });
const newMap = () => new Map();

/** The group of the click's link and hour. */
function hourGroup(series: Series, r: ClickRecord): HourGroup {
  return getOrSet(getOrSet(series, r.link_id, newMap), r.ts.slice(0, 13), newGroup);
}

/** The click in its hour's counters: clicks, and its kind's. */
function countSeries(counts: Counts, slot: number) {
  counts[0]++;
  counts[slot]++;
}

/**
 * The click under each dimension's value. An unknown value (null or "") is not written: it is what the
 * hour's total leaves over, and the stats read derive it so (db/queries/stats.ts). They were 14% of the
 * dimension rows of the ingest benchmark's clicks, every one an upsert.
 */
function countDimensions(dims: DimMaps, r: ClickRecord, slot: number) {
  for (let i = 0; i < DIMS.length; i++) {
    const value = r[DIMS[i][1]];
    if (value) countValue(dims[i], value, slot);
  }
}

function countValue(m: Map<string, Counts>, value: string, slot: number) {
  const c = m.get(value);
  if (c) {
    c[0]++;
    c[slot]++;
  } else {
    const n: Counts = [1, 0, 0, 0];
    n[slot] = 1;
    m.set(value, n);
  }
}

/** A click that says where routing sent it: under its destination, and under its variant if one chose it. */
function countRoute(dims: DimMaps, url: string, by: string | null, slot: number) {
  countValue(dims[DESTINATION_DIM], url, slot);
  if (by?.startsWith("variant:")) countValue(dims[VARIANT_DIM], url, slot);
}

/** The variant that served a click (its URL), or null. */
const variantOf = (r: ClickRecord) => (r.chosen_url !== null && r.chosen_by?.startsWith("variant:") ? r.chosen_url : null);

const newFirsts = (): FirstVisits => ({ at: new Map(), variant: new Map() });

/** A human click, as a candidate first click of its visitor-day on its link and on ALL_LINKS. */
function firstHuman(firsts: Firsts, r: ClickRecord) {
  const byLink = getOrSet(firsts, r.ts.slice(0, 10), newMap);
  firstVisit(getOrSet(byLink, r.link_id, newFirsts), r.visitor, r.ts, variantOf(r));
  firstVisit(getOrSet(byLink, ALL_LINKS, newFirsts), r.visitor, r.ts, null);
}

/**
 * Whether a click at `ts` served by `variant` comes before the first one known (`at`, `known`): earlier, or
 * at the same time with a smaller variant text (null first), the order visitor_days' upsert uses (commit.ts).
 * Time order is string order (same fixed-width ISO format).
 */
const isEarlier = (ts: string, variant: string | null, at: string | undefined, known: string | undefined) =>
  at === undefined || ts < at || (ts === at && (variant ?? "") < (known ?? ""));

/** Keeps the earliest click (time, then variant) per visitor. */
function firstVisit(f: FirstVisits, visitor: string, ts: string, variant: string | null) {
  if (!isEarlier(ts, variant, f.at.get(visitor), f.variant.get(visitor))) return;
  f.at.set(visitor, ts);
  if (variant !== null) f.variant.set(visitor, variant);
  else if (f.variant.size) f.variant.delete(visitor);
}

// ---- 2. Per batch

/** The links' hourly dimension maps, plus ALL_LINKS's: the links' summed, and "link" (each link's share of the hour). */
function withAllLinks(series: Series): DimTree {
  const tree: DimTree = new Map();
  const all = new Map<string, DimMaps>();
  for (const [link, hours] of series) {
    const linkHours = new Map<string, DimMaps>();
    for (const [hour, g] of hours) {
      linkHours.set(hour, g.dims);
      const allDims = getOrSet(all, hour, newDims);
      for (let i = 0; i < DIMS.length; i++) for (const [value, c] of g.dims[i]) addCounts(allDims[i], value, c);
      addCounts(allDims[LINK_DIM], link, g.counts);
    }
    tree.set(link, linkHours);
  }
  tree.set(ALL_LINKS, all);
  return tree;
}

/** The daily dimension maps: the hourly ones summed by UTC day. */
function byDay(hourly: DimTree): DimTree {
  const daily: DimTree = new Map();
  for (const [link, hours] of hourly) {
    const days = new Map<string, DimMaps>();
    for (const [hour, dims] of hours) {
      const day = getOrSet(days, hour.slice(0, 10), newDims);
      for (let i = 0; i < DIM_NAMES.length; i++) for (const [value, c] of dims[i]) addCounts(day[i], value, c);
    }
    daily.set(link, days);
  }
  return daily;
}

/**
 * link -> time -> dimension maps, as rows sorted by key. `at` turns a time key into the stored value;
 * `order` lists the dimensions written, in name order.
 */
function dimRows(tree: DimTree, at: (t: string) => string, order: readonly number[]): DimRows {
  const out: DimRows = { link: [], at: [], dim: [], value: [], counts: [] };
  for (const link of linkOrder(tree)) {
    const times = tree.get(link)!;
    for (const t of sortedKeys(times)) {
      const dims = times.get(t)!;
      const time = at(t);
      for (const i of order) {
        for (const value of sortedKeys(dims[i])) {
          out.link.push(link); out.at.push(time); out.dim.push(DIM_NAMES[i]); out.value.push(value);
          out.counts.push(dims[i].get(value)!);
        }
      }
    }
  }
  return out;
}

/** link_totals rows from ALL_LINKS's daily "link" dimension: each day in its block of every length, sorted by key. */
function linkTotalRows(days: Map<string, DimMaps>): Rollups["linkTotals"] {
  const blocks = new Map<number, Map<string, Map<string, Counts>>>(); // length -> start -> link -> counts
  for (const [day, dims] of days) {
    const n = Date.parse(day) / DAY_MS;
    for (const span of LINK_TOTAL_SPANS) {
      const start = new Date((n - (((n % span) + span) % span)) * DAY_MS).toISOString().slice(0, 10);
      const byLink = getOrSet(getOrSet(blocks, span, newMap), start, newMap);
      for (const [link, c] of dims[LINK_DIM]) addCounts(byLink, link, c);
    }
  }
  const out: Rollups["linkTotals"] = { days: [], start: [], link: [], counts: [] };
  for (const span of [...blocks.keys()].sort((a, b) => a - b)) {
    const starts = blocks.get(span)!;
    for (const start of sortedKeys(starts)) {
      const links = starts.get(start)!;
      for (const link of sortedKeys(links)) {
        out.days.push(span); out.start.push(start); out.link.push(link); out.counts.push(links.get(link)!);
      }
    }
  }
  return out;
}

/** clicks_hourly rows without uniques: each link's hours, and ALL_LINKS's (their sum), sorted by key. */
function hourlyRows(series: Series): Rollups["hourly"] {
  const totals = new Map<string, Map<string, Counts>>([[ALL_LINKS, new Map()]]);
  for (const [link, hours] of series) {
    const linkTotals = getOrSet(totals, link, () => new Map());
    for (const [hour, g] of hours) {
      linkTotals.set(hour, g.counts);
      addCounts(totals.get(ALL_LINKS)!, hour, g.counts);
    }
  }
  const h: Rollups["hourly"] = { link: [], hour: [], counts: [] };
  for (const link of linkOrder(totals)) {
    const hours = totals.get(link)!;
    for (const hour of sortedKeys(hours)) {
      h.link.push(link); h.hour.push(hourOf(hour)); h.counts.push(hours.get(hour)!);
    }
  }
  return h;
}

/** visitor_days candidates: per day and link, one row per visitor key, sorted by key. */
function firstRows(firsts: Firsts): Rollups["firsts"] {
  const f: Rollups["firsts"] = { day: [], link: [], visitor: [], at: [], variant: [] };
  const keys = new Map<string, string>();
  for (const day of sortedKeys(firsts)) {
    const byLink = firsts.get(day)!;
    for (const link of linkOrder(byLink)) {
      // By key: two hashes sharing a key would otherwise be two rows for one upsert to touch.
      const visits = byLink.get(link)!;
      const byKey = newFirsts();
      for (const [visitor, at] of visits.at) {
        const key = getOrSet(keys, visitor, () => visitorKey(visitor)); // each visitor comes twice: link and ALL
        firstVisit(byKey, key, at, visits.variant.get(visitor) ?? null);
      }
      for (const key of [...byKey.at.keys()].sort()) {
        f.day.push(day); f.link.push(link); f.visitor.push(key); f.at.push(byKey.at.get(key)!);
        f.variant.push(byKey.variant.get(key) ?? null);
      }
    }
  }
  return f;
}

// ---- Helpers

function getOrSet<K, V>(m: Map<K, V>, k: K, make: () => V): V {
  let v = m.get(k);
  if (v === undefined) m.set(k, (v = make()));
  return v;
}

function addCounts(m: Map<string, Counts>, value: string, c: Counts) {
  const into = m.get(value);
  if (into) {
    into[0] += c[0]; into[1] += c[1]; into[2] += c[2]; into[3] += c[3];
  } else m.set(value, [c[0], c[1], c[2], c[3]]);
}

const sortedKeys = <V>(m: Map<string, V>) => [...m.keys()].sort(); // code-unit order: locality only

/**
 * Links in key order but ALL_LINKS last. Every batch writes ALL_LINKS rows for its hours, so a commit
 * running beside another waits for them: last, it gets its own links' rows done first.
 */
const linkOrder = <V>(m: Map<string, V>) => {
  const links = sortedKeys(m);
  const all = links.indexOf(ALL_LINKS);
  if (all >= 0) links.push(...links.splice(all, 1));
  return links;
};

const hourOf = (prefix: string) => `${prefix}:00:00Z`;
const same = (t: string) => t;

const HEX64 = /^[0-9a-f]{16}/;
const encoder = new TextEncoder();

/**
 * The 64-bit key of a visitor hash in visitor_days (signed, as Postgres bigint, in decimal): the hash's first
 * 16 hex digits, as migration 0003 converted the stored ones. Anything else (the redirect writes only hex)
 * gets FNV-1a over its UTF-8, so it still has a stable key.
 */
export function visitorKey(visitor: string): string {
  if (HEX64.test(visitor)) return BigInt.asIntN(64, BigInt(`0x${visitor.slice(0, 16)}`)).toString();
  let h = 0xcbf29ce484222325n;
  for (const b of encoder.encode(visitor)) h = BigInt.asUintN(64, (h ^ BigInt(b)) * 0x100000001b3n);
  return BigInt.asIntN(64, h).toString();
}
