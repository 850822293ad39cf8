/**
 * How a stats range's dimensions are read by time (db/queries/stats.ts): whole UTC days from the daily rows
 * and blocks, the partial days at the edges from the daily rows when all their clicks fall inside the range,
 * else from the hourly ones.
 */
import { sql, type SQL } from "drizzle-orm";
import { sqlDay } from "./dim-blocks.ts";

const DAY = 86_400_000;

/**
 * The UTC dates and hours that serve the dimensions of [from, to): whole days daily, the rest hourly, as
 * partial days (each inside one UTC day).
 */
export function dimensionSpans(from: number, to: number) {
  const dayFrom = Math.ceil(from / DAY) * DAY;
  const dayTo = Math.floor(to / DAY) * DAY;
  if (dayFrom > dayTo) return { days: null, hours: [[from, to]] as [number, number][] };
  const hours = ([[from, dayFrom], [dayTo, to]] as [number, number][]).filter(([a, b]) => a < b);
  return { days: dayFrom < dayTo ? ([dayFrom, dayTo] as [number, number]) : null, hours };
}

/**
 * The dimension rows of the partial UTC day [a, b), as `select` parts to union: its day's daily rows when the
 * clicks of `members` in that day all fall inside [a, b) (no clicks_hourly row of that day outside it: the
 * daily rows are then the sum of the hourly ones, which the same commits write), else its hourly rows. One
 * index probe decides, and only the part chosen runs (a one-time filter). A rolling range ends in the current
 * hour, so its last day is read from about 400 daily rows instead of one set per hour (8,876 rows at 22:00 for
 * the benchmark's hot link).
 */
export function partialDayParts(a: number, b: number, members: SQL, cols: SQL, where: SQL, groupBy: SQL): SQL[] {
  const day = Math.floor(a / DAY) * DAY;
  // The day's end computed by Postgres: the last day of year 9999 ends in a year an ISO string cannot give it.
  const outside = [
    ...(day < a ? [sql`hour >= ${ts(day)} and hour < ${ts(a)}`] : []),
    ...(b < day + DAY ? [sql`hour >= ${ts(b)} and hour < ${ts(day)} + interval '1 day'`] : []),
  ].map((cond) => sql`exists (select 1 from clicks_hourly where ${members} and ${cond})`);
  const wholeDay = sql`(not (${sql.join(outside, sql` or `)}))`;
  return [
    sql`select ${cols} from clicks_dims_daily where ${where} and day = ${sqlDay(day)} and ${wholeDay} group by ${groupBy}`,
    sql`select ${cols} from clicks_dims_hourly where ${where} and hour >= ${ts(a)} and hour < ${ts(b)} and not ${wholeDay} group by ${groupBy}`,
  ];
}

export const ts = (t: number) => sql`${new Date(t).toISOString()}::timestamptz`;
