/**
 * The person's wall times <-> instants, for form inputs (datetime-local and date carry wall times in the
 * browser's zone) and for dates shown on pages. The zone arithmetic is analytics' (zoned-time.ts), the same
 * that validates `tz` and buckets the stats, so a wall time means one instant across the dashboard and API.
 */
import { rawOffset, wallToInstant } from "../analytics/zoned-time.ts";

/** "2025-03-30T02:30" or "2025-03-30" (wall time in tz) -> Date, or null when it does not parse. */
export function parseWallTime(value: string, tz: string): Date | null {
  const m = value.match(/^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2}))?)?$/);
  if (!m) return null;
  const wall = Date.UTC(+m[1], +m[2] - 1, +m[3], +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0));
  if (Number.isNaN(wall)) return null;
  return new Date(wallToInstant(tz, wall));
}

/** ISO instant -> the value of a datetime-local input in tz ("YYYY-MM-DDTHH:MM"). */
export function toWallInput(iso: string | null | undefined, tz: string): string {
  if (!iso) return "";
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return "";
  return new Date(t + rawOffset(tz, t)).toISOString().slice(0, 16);
}

/** A short human date-time in tz, e.g. "2025-03-30 14:05". */
export function formatInstant(iso: string | null | undefined, tz: string): string {
  const v = toWallInput(iso, tz);
  return v ? v.replace("T", " ") : "";
}
