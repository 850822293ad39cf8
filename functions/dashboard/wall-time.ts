/**
 * Wall-clock times in the person's time zone <-> instants, with Intl only (workerd ships full ICU). The
 * browser sends its zone; form inputs (datetime-local, date) carry wall times in that zone.
 */

export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(tz: string) {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: tz, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit", second: "2-digit",
    });
    formatters.set(tz, f);
  }
  return f;
}

/** The wall time in `tz` at `instant`, as epoch ms of the same wall time read as UTC. */
function wallAt(instant: number, tz: string): number {
  const p = Object.fromEntries(formatter(tz).formatToParts(new Date(instant)).map((x) => [x.type, x.value]));
  return Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute, +p.second);
}

/** The instant whose wall time in `tz` is `wall` (epoch ms of that wall time read as UTC). */
export function zonedToInstant(wall: number, tz: string): number {
  // Two passes: the first offset guess can sit on the other side of a DST change.
  let t = wall - (wallAt(wall, tz) - wall);
  t = wall - (wallAt(t, tz) - t);
  return t;
}

/** "2025-03-30T02:30" or "2025-03-30" (wall time in tz) -> Date, or null when it does not parse. */
export function parseWallTime(value: string, tz: string): Date | null {
  const m = value.match(/^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2}))?)?$/);
  if (!m) return null;
  const wall = Date.UTC(+m[1], +m[2] - 1, +m[3], +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0));
  if (Number.isNaN(wall)) return null;
  return new Date(zonedToInstant(wall, tz));
}

/** ISO instant -> the value of a datetime-local input in tz ("YYYY-MM-DDTHH:MM"). */
export function toWallInput(iso: string | null | undefined, tz: string): string {
  if (!iso) return "";
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return "";
  return new Date(wallAt(t, tz)).toISOString().slice(0, 16);
}

/** A short human date-time in tz, e.g. "2025-03-30 14:05". */
export function formatInstant(iso: string | null | undefined, tz: string): string {
  const v = toWallInput(iso, tz);
  return v ? v.replace("T", " ") : "";
}

export const presets = { "24h": 24, "7d": 7 * 24, "30d": 30 * 24, "90d": 90 * 24 } as const;
export type RangeName = keyof typeof presets | "custom";

export interface Range {
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
export function resolveRange(q: Record<string, string | undefined>, tz: string, now = Date.now()): Range {
  const name = (q.range && (Object.hasOwn(presets, q.range) || q.range === "custom") ? q.range : "7d") as RangeName;
  let from: Date | null = null;
  let to: Date | null = null;
  const errors: Record<string, string> = {};
  if (name === "custom") {
    const isDay = /^\d{4}-\d{2}-\d{2}$/;
    from = q.from && isDay.test(q.from) ? parseWallTime(q.from, tz) : null;
    if (q.to && isDay.test(q.to) && parseWallTime(q.to, tz)) {
      const [y, m, d] = q.to.split("-").map(Number);
      to = new Date(zonedToInstant(Date.UTC(y, m - 1, d + 1), tz)); // the end day is included
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
