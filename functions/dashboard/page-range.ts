/**
 * The range an analytics page shows, from its controls: a preset or custom whole days, plus what the form
 * shows again. Not the stats API's range (analytics/range.ts), which the API resolves from the instants
 * this sends it: the page picks them, the API rounds them to hours and buckets them.
 */
import { wallToInstant } from "../analytics/zoned-time.ts";
import { parseWallTime, toWallInput } from "./wall-time.ts";

const presets = { "24h": 24, "7d": 7 * 24, "30d": 30 * 24, "90d": 90 * 24 } as const;
export type RangeName = keyof typeof presets | "custom";

export interface DashboardRange {
  range: RangeName;
  from: Date;
  to: Date;
  interval: "hour" | "day";
  /** The custom inputs as the person typed them (dates in tz), for re-display. */
  fromDay: string;
  toDay: string;
  /** Custom days that did not parse, by field. */
  errors: Record<string, string>;
}

/**
 * The range of an analytics page from its query: a preset, or custom whole days in tz (both ends
 * inclusive). Hourly points up to a week, daily beyond. Unparsable custom days are reported in `errors`
 * (the page then shows 7 days); the API judges the rest (from after to, too long) with its own errors.
 */
export function pageRange(q: Record<string, string | undefined>, tz: string, now = Date.now()): DashboardRange {
  const name = (q.range && (Object.hasOwn(presets, q.range) || q.range === "custom") ? q.range : "7d") as RangeName;
  let from: Date | null = null;
  let to: Date | null = null;
  const errors: Record<string, string> = {};
  if (name === "custom") {
    const isDay = /^\d{4}-\d{2}-\d{2}$/;
    from = q.from && isDay.test(q.from) ? parseWallTime(q.from, tz) : null;
    if (q.to && isDay.test(q.to) && parseWallTime(q.to, tz)) {
      const [y, m, d] = q.to.split("-").map(Number);
      to = new Date(wallToInstant(tz, Date.UTC(y, m - 1, d + 1))); // the end day is included
    }
    if (!from) errors.from = "Pick the first day of the range.";
    if (!to) errors.to = "Pick the last day of the range.";
  }
  if (!from || !to) {
    const hours = presets[name === "custom" ? "7d" : name];
    to = new Date(now);
    from = new Date(now - hours * 3600_000);
  }
  const interval = to.getTime() - from.getTime() <= 7 * 24 * 3600_000 ? "hour" : "day";
  const day = (d: Date) => toWallInput(d.toISOString(), tz).slice(0, 10);
  return {
    range: name,
    from,
    to,
    interval,
    fromDay: q.from ?? day(from),
    toDay: q.to ?? day(new Date(to.getTime() - 1)),
    errors,
  };
}
