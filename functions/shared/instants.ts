/**
 * Instants that every layer reads the same: JS Dates, ISO text with a four-digit year, and Postgres
 * timestamptz, which has no year 0 ("0001-01-01T00:00:00+01:00" is an instant in year 0 in UTC, and
 * reached Postgres as a 500 before this bound).
 */
export const YEAR_1 = Date.parse("0001-01-01T00:00:00Z");
export const YEAR_10000 = Date.UTC(10000, 0, 1);

/** Whether epoch ms `t` falls in the years 1 to 9999 (UTC); false for NaN. */
export const inStorableRange = (t: number): boolean => t >= YEAR_1 && t < YEAR_10000;
