/**
 * Stats as one CSV table (RFC 4180): `section,key,clicks,humans,uniques`, one row per figure, so any
 * spreadsheet or CSV reader takes it whole. Sections: totals (empty key), timeseries (key = t), each
 * dimension under its JSON name (key = value, empty = unknown), topLinks (key = slug, domain/slug on a custom domain, or
 * the id of a deleted link), destinations, variants (key = the variant's URL, with humans and uniques). humans/uniques
 * are empty where they do not apply.
 */
import type { AllStats, Stats } from "./schema.ts";
import { DIMENSION_FIELDS } from "./build-stats.ts";
import { csvCell } from "../shared/csv-cell.ts";

type Cell = string | number | null;

/** Keys are visitor-controlled (referrers, UTM tags): text cells are defused and quoted (csvCell). */
function cell(v: Cell): string {
  if (v === null) return "";
  return typeof v === "number" ? String(v) : csvCell(v);
}

export function statsToCsv(stats: Stats | AllStats): string {
  const rows: Cell[][] = [["section", "key", "clicks", "humans", "uniques"]];
  const t = stats.totals;
  rows.push(["totals", null, t.clicks, t.humans, t.uniques]);
  for (const p of stats.timeseries) rows.push(["timeseries", p.t, p.clicks, p.humans, p.uniques]);
  for (const [, field] of DIMENSION_FIELDS) {
    for (const v of stats[field]) rows.push([field, v.value, v.clicks, null, null]);
  }
  for (const v of stats.destinations) rows.push(["destinations", v.value, v.clicks, null, null]);
  for (const v of stats.variants) rows.push(["variants", v.value, v.clicks, v.humans, v.uniques]);
  if ("topLinks" in stats) {
    for (const l of stats.topLinks) rows.push(["topLinks", l.slug === null ? l.linkId : l.domain ? `${l.domain}/${l.slug}` : l.slug, l.clicks, null, null]);
  }
  return rows.map((r) => r.map(cell).join(",")).join("\r\n") + "\r\n";
}
