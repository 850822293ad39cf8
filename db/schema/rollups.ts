import { date, integer, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";

/** Per link and UTC hour: the time series and the totals of every stats view. */
export const clicksHourly = pgTable(
  "clicks_hourly",
  {
    linkId: text("link_id").notNull(),
    /** Start of the UTC hour. */
    hour: timestamp("hour", { withTimezone: true }).notNull(),
    clicks: integer("clicks").notNull().default(0),
    humans: integer("humans").notNull().default(0),
    bots: integer("bots").notNull().default(0),
    previews: integer("previews").notNull().default(0),
    /** Distinct human visitors in this hour (see clicks_visitors). */
    uniques: integer("uniques").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.linkId, t.hour] })],
);

/** Per link, UTC day, dimension and value: the "top referrers / countries / ..." tables. */
export const clicksDaily = pgTable(
  "clicks_daily",
  {
    linkId: text("link_id").notNull(),
    day: date("day").notNull(),
    /** referrer | country | city | device | browser | os | utm_source | utm_medium | utm_campaign */
    dim: text("dim").notNull(),
    /** The value; "" stands for unknown/none. */
    value: text("value").notNull(),
    clicks: integer("clicks").notNull().default(0),
    humans: integer("humans").notNull().default(0),
    bots: integer("bots").notNull().default(0),
    previews: integer("previews").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.linkId, t.day, t.dim, t.value] })],
);

/**
 * One row per link, UTC hour and human visitor: what makes unique counts exact for any hour-aligned range
 * (a visitor hash only lives one UTC day, so a range's uniques are its distinct (day, visitor) pairs).
 */
export const clicksVisitors = pgTable(
  "clicks_visitors",
  {
    linkId: text("link_id").notNull(),
    hour: timestamp("hour", { withTimezone: true }).notNull(),
    visitor: text("visitor").notNull(),
  },
  (t) => [primaryKey({ columns: [t.linkId, t.hour, t.visitor] })],
);
