/**
 * Turns the stats query's from/to/interval/tz into what the rollups can answer: a range of whole UTC hours
 * and the bucket boundaries of the time series. The rules (docs/analytics.md):
 * - A date-time with an offset (or Z) is that instant; without one it is wall time in `tz`. A bare date is
 *   a whole local day: `from=2026-03-01` starts it, `to=2026-03-31` includes it.
 * - The range is the UTC hours that overlap [from, to): from is floored to its hour, to ceiled.
 * - A day bucket is the UTC hours whose start falls on that local date. In whole-hour zones that is the
 *   local day exactly; in Asia/Kolkata (+05:30) a day's hours start 00:30 .. 23:30 local.
 * - Hour buckets are UTC hours (a 23- or 25-hour local day has 23 or 25 of them).
 */
import type { FieldError } from "../shared/errors.ts";
import { DAY, HOUR, wallToInstant, ZoneTimeline } from "./zoned-time.ts";

export type Interval = "hour" | "day";

export interface ResolvedRange {
  /** Epoch ms, whole UTC hours, from < to. */
  from: number;
  to: number;
  interval: Interval;
  tz: string;
  /** Bucket i covers the hours in [bounds[i], bounds[i+1]); bounds[0] = from, last = to. */
  bounds: number[];
  /** `t` of each bucket: its start (day buckets: the local day's start) in ISO 8601 with the zone's offset. */
  labels: string[];
}

export const DEFAULT_DAYS = 7;
/** Beyond this, interval=day is automatic. */
export const AUTO_HOUR_MAX = 2 * DAY;
/** Hour series are capped so one answer stays under ~10k points. */
export const HOUR_SERIES_MAX = 366 * DAY;
const MIN_YEAR = 1970;
const MAX_YEAR = 9999;
/**
 * Where ranges must end: the SQL gets its bounds as ISO text, and past 9999 that text is +010000-01-01...,
 * which Postgres refuses. A bound in 9999 can still get there: a local day's end, an offset, the ceiling.
 */
const END_OF_TIME = Date.UTC(MAX_YEAR + 1, 0, 1);

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(?:([Zz])|([+\- ])(\d{2})(?::?(\d{2}))?)?$/;

const floorHour = (t: number) => Math.floor(t / HOUR) * HOUR;
const ceilHour = (t: number) => Math.ceil(t / HOUR) * HOUR;

function validDate(y: number, m: number, d: number): boolean {
  if (y < MIN_YEAR || y > MAX_YEAR || m < 1 || m > 12 || d < 1) return false;
  return d <= new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/**
 * Parses one bound. A bare date resolves to the start of the local day's first hour (`to` to the next day's),
 * already aligned; a date-time to its exact instant. Returns null when it is not ISO 8601 we accept.
 */
export function parseBound(input: string, tz: string, side: "from" | "to"): number | null {
  let m = DATE.exec(input);
  if (m) {
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    if (!validDate(y, mo, d)) return null;
    // Local midnight of the day (of the next one for `to`), or the end of a gap that skips it.
    return ceilHour(wallToInstant(tz, Date.UTC(y, mo - 1, d) + (side === "to" ? DAY : 0)));
  }
  m = DATE_TIME.exec(input);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = [1, 2, 3, 4, 5, 6].map((i) => Number(m![i] ?? 0));
  if (!validDate(y, mo, d) || h > 23 || mi > 59 || s > 59) return null;
  const ms = m[7] ? Number(m[7].slice(0, 3).padEnd(3, "0")) : 0;
  const wall = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  if (m[8]) return wall;
  if (m[9]) {
    const oh = Number(m[10]);
    const om = Number(m[11] ?? 0);
    if (oh > 23 || om > 59) return null;
    // " " is a "+" that arrived unencoded in a query string (`+05:30` decodes to ` 05:30`).
    return wall - (m[9] === "-" ? -1 : 1) * (oh * HOUR + om * 60_000);
  }
  return wallToInstant(tz, wall);
}

function addYears(t: number, n: number): number {
  const d = new Date(t);
  d.setUTCFullYear(d.getUTCFullYear() + n);
  return d.getTime();
}

/** Resolves the range or returns the errors, each naming its parameter. */
export function resolveRange(
  q: { from?: string; to?: string; interval?: Interval; tz: string },
  now: number,
): ResolvedRange | { errors: FieldError[] } {
  const errors: FieldError[] = [];
  const hint = "must be an ISO 8601 date (2026-03-01) or date-time (2026-03-01T09:00:00Z, or without offset: wall time in tz)";
  const rawFrom = q.from === undefined ? undefined : parseBound(q.from, q.tz, "from");
  const rawTo = q.to === undefined ? undefined : parseBound(q.to, q.tz, "to");
  if (rawFrom === null) errors.push({ path: "from", message: hint });
  if (rawTo === null) errors.push({ path: "to", message: hint });
  if (rawFrom === null || rawTo === null) return { errors };

  const to = ceilHour(rawTo ?? now);
  const from = floorHour(rawFrom ?? to - DEFAULT_DAYS * DAY);
  if (rawFrom !== undefined && rawTo !== undefined ? rawFrom >= rawTo : from >= to) {
    return { errors: [{ path: "from", message: "must be before to" }] };
  }
  // Only a given `to` can get there (from < to, and now is far from it).
  if (to >= END_OF_TIME) return { errors: [{ path: "to", message: "must end before the year 10000 (UTC)" }] };
  if (to > addYears(from, 5)) return { errors: [{ path: "to", message: "the range may span at most 5 years" }] };
  const interval = q.interval ?? (to - from <= AUTO_HOUR_MAX ? "hour" : "day");
  if (interval === "hour" && to - from > HOUR_SERIES_MAX) {
    return { errors: [{ path: "interval", message: "hour buckets are limited to ranges of 366 days; use interval=day" }] };
  }

  const zone = new ZoneTimeline(q.tz, from, to);
  const bounds: number[] = [];
  const labels: string[] = [];
  if (interval === "hour") {
    for (let t = from; t < to; t += HOUR) {
      bounds.push(t);
      labels.push(zone.format(t));
    }
  } else {
    let { y, m, d } = zone.localDate(from);
    let start = from;
    while (start < to) {
      const dayStart = zone.startOfDay(y, m, d);
      const next = new Date(Date.UTC(y, m - 1, d + 1));
      [y, m, d] = [next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate()];
      const end = Math.min(ceilHour(zone.startOfDay(y, m, d)), to);
      // A local day that holds no hour start (a skipped calendar day) has no bucket.
      if (end > start) {
        bounds.push(start);
        labels.push(zone.format(dayStart));
        start = end;
      }
    }
  }
  bounds.push(to);
  return { from, to, interval, tz: q.tz, bounds, labels };
}
