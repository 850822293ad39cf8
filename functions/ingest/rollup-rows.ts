/**
 * The second pass of a batch's aggregation (functions/ingest/rollup.ts): the per-hour maps of the batch's
 * clicks summed for all links and by day, and written out as rollup rows sorted by key, so each upsert walks
 * its index in order.
 */
import { ALL_LINKS, LINK_TOTAL_SPANS } from "../../db/schema/rollups.ts";
import {
  addCounts, DAY_MS, DIM_NAMES, DIMS, firstVisit, getOrSet, LINK_DIM, newDims, newFirsts, newMap,
  type Counts, type DimMaps, type DimRows, type DimTree, type Firsts, type Rollups, type Series,
} from "./rollup-shape.ts";
import { visitorKey } from "./visitor-key.ts";

/** The links' hourly dimension maps, plus ALL_LINKS's: the links' summed, and "link" (each link's share of the hour). */
export function withAllLinks(series: Series): DimTree {
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
export function byDay(hourly: DimTree): DimTree {
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
export function dimRows(tree: DimTree, at: (t: string) => string, order: readonly number[]): DimRows {
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
export function linkTotalRows(days: Map<string, DimMaps>): Rollups["linkTotals"] {
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
export function hourlyRows(series: Series): Rollups["hourly"] {
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
export function firstRows(firsts: Firsts): Rollups["firsts"] {
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

export const hourOf = (prefix: string) => `${prefix}:00:00Z`;
export const same = (t: string) => t;
