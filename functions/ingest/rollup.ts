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
import { ALL_LINKS } from "../../db/schema/rollups.ts";
import type { ClickRecord } from "./enrich.ts";
import { byDay, dimRows, firstRows, hourlyRows, hourOf, linkTotalRows, same, withAllLinks } from "./rollup-rows.ts";
import {
  DAILY_DIM_ORDER, DESTINATION_DIM, DIM_ORDER, DIMS, firstVisit, getOrSet, newFirsts, newGroup, newMap,
  SLOT, VARIANT_DIM, type Counts, type DimMaps, type Firsts, type HourGroup, type Rollups, type Series,
} from "./rollup-shape.ts";

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

// The first pass: each click into its hour's maps.

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

/** A human click, as a candidate first click of its visitor-day on its link and on ALL_LINKS. */
function firstHuman(firsts: Firsts, r: ClickRecord) {
  const byLink = getOrSet(firsts, r.ts.slice(0, 10), newMap);
  firstVisit(getOrSet(byLink, r.link_id, newFirsts), r.visitor, r.ts, variantOf(r));
  firstVisit(getOrSet(byLink, ALL_LINKS, newFirsts), r.visitor, r.ts, null);
}
