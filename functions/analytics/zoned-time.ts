/**
 * Time-zone arithmetic on Intl alone, so the zone database that validates `tz` is the one that buckets it
 * (Postgres never sees the zone: SQL works in UTC hours and gets bucket boundaries from here).
 *
 * Intl answers "what is the wall time at instant t" and nothing else, and each answer costs a few µs, so a
 * ZoneTimeline samples the offset once per day over a span and finds each change by bisection; lookups are
 * then a binary search. Assumes a zone changes its offset at most once between two samples a day apart,
 * which holds for every zone's rules since 1970.
 */

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

// Isolate-lifetime cache: building a DateTimeFormat costs far more than using one, and zones are few.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: tz,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    if (formatters.size > 200) formatters.clear();
    formatters.set(tz, f);
  }
  return f;
}

/** True when Intl knows `tz` as a time zone (IANA names, case-insensitive, and their aliases). */
export function isTimeZone(tz: string): boolean {
  if (!tz || tz.length > 64) return false;
  try {
    formatter(tz);
    return true;
  } catch {
    return false;
  }
}

/** Offset of `tz` at instant `t` (ms): wall clock minus UTC, in ms. */
export function rawOffset(tz: string, t: number): number {
  const p: Record<string, number> = {};
  for (const { type, value } of formatter(tz).formatToParts(t)) p[type] = Number(value);
  const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return wall - Math.floor(t / 1000) * 1000;
}

export class ZoneTimeline {
  /** starts[i]: first instant at which offsets[i] applies. */
  private readonly starts: number[] = [];
  private readonly offsets: number[] = [];
  private readonly lo: number;
  private readonly hi: number;

  /** Covers [from - 2 days, to + 2 days], room for local-time lookups near the edges. */
  constructor(readonly tz: string, from: number, to: number) {
    this.lo = from - 2 * DAY;
    this.hi = to + 2 * DAY;
    let prevT = this.lo;
    let prevO = rawOffset(tz, prevT);
    this.starts.push(prevT);
    this.offsets.push(prevO);
    while (prevT < this.hi) {
      const t = Math.min(prevT + DAY, this.hi);
      const o = rawOffset(tz, t);
      if (o !== prevO) {
        // Bisect to the second: offsets change on whole seconds.
        let a = prevT;
        let b = t;
        while (b - a > 1000) {
          const m = a + Math.floor((b - a) / 2000) * 1000;
          if (rawOffset(tz, m) === prevO) a = m;
          else b = m;
        }
        this.starts.push(b);
        this.offsets.push(o);
        prevO = o;
      }
      prevT = t;
    }
  }

  offsetAt(t: number): number {
    if (t < this.lo || t > this.hi) return rawOffset(this.tz, t);
    let a = 0;
    let b = this.starts.length - 1;
    while (a < b) {
      const m = (a + b + 1) >> 1;
      if (this.starts[m] <= t) a = m;
      else b = m - 1;
    }
    return this.offsets[a];
  }

  /**
   * The instant at which the wall clock of the zone shows `wall` (ms of a UTC-fields date). Like Temporal's
   * "compatible": a wall time that occurs twice takes the earlier instant, one skipped by a DST gap is
   * pushed forward by the gap (02:30 on a spring-forward night is 03:30).
   */
  wallToInstant(wall: number): number {
    const before = this.offsetAt(wall - DAY);
    const after = this.offsetAt(wall + DAY);
    const fits = [before, after].map((o) => wall - o).filter((t) => t + this.offsetAt(t) === wall);
    return fits.length ? Math.min(...fits) : wall - before;
  }

  /** First instant of the local calendar day y-m-d (local midnight, or the end of a gap that skips it). */
  startOfDay(y: number, m: number, d: number): number {
    return this.wallToInstant(Date.UTC(y, m - 1, d));
  }

  /** The local calendar date at instant t, as UTC fields of a Date. */
  localDate(t: number): { y: number; m: number; d: number } {
    const w = new Date(t + this.offsetAt(t));
    return { y: w.getUTCFullYear(), m: w.getUTCMonth() + 1, d: w.getUTCDate() };
  }

  /** ISO 8601 with the zone's offset at t, e.g. "2026-03-29T03:00:00+02:00". */
  format(t: number): string {
    const o = this.offsetAt(t);
    const wall = new Date(t + o).toISOString().slice(0, 19);
    const abs = Math.abs(o) / 60_000;
    const hh = String(Math.floor(abs / 60)).padStart(2, "0");
    const mm = String(Math.floor(abs % 60)).padStart(2, "0");
    return `${wall}${o < 0 ? "-" : "+"}${hh}:${mm}`;
  }
}

/**
 * One wall time in `tz` -> its instant, by ZoneTimeline's "compatible" rule, for a caller with a single
 * lookup to make (a timeline spanning just that day either side).
 */
export function wallToInstant(tz: string, wall: number): number {
  return new ZoneTimeline(tz, wall - DAY, wall + DAY).wallToInstant(wall);
}
