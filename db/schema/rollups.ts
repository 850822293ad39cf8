/**
 * Rollups: what every stats view is served from, never raw clicks. Each click updates the rows of its link
 * and the rows of the pseudo-link ALL_LINKS ("*"), so all-links views cost the same as one link's.
 * Counters: clicks = every click, humans / bots / previews its kinds (clicks = humans + bots + previews).
 */
import { bigint, date, index, integer, smallint, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";

/** link_id of the rows that aggregate every link. */
export const ALL_LINKS = "*";

/**
 * The dimensions kept per hour and per day. Under ALL_LINKS, "link" (value = link id) gives the top links:
 * per hour in clicks_dims_hourly, but per day in link_totals (below), never in clicks_dims_daily.
 * "destination" (the URL chosen for the click, before query forwarding) and "variant" (that URL, when an A/B
 * variant chose it) exist per link only, never under ALL_LINKS, and only for clicks that carry them.
 */
export const dimensions = [
  "referrer", "country", "city", "device", "browser", "os", "utm_source", "utm_medium", "utm_campaign", "link",
  "destination", "variant",
] as const;
export type Dimension = (typeof dimensions)[number];

const counters = {
  clicks: integer("clicks").notNull().default(0),
  humans: integer("humans").notNull().default(0),
  bots: integer("bots").notNull().default(0),
  previews: integer("previews").notNull().default(0),
};

/** Per link and UTC hour: time series and totals. */
export const clicksHourly = pgTable(
  "clicks_hourly",
  {
    linkId: text("link_id").notNull(),
    /** Start of the UTC hour. */
    hour: timestamp("hour", { withTimezone: true }).notNull(),
    ...counters,
    /**
     * Visitor-days that began in this hour: a visitor's first human click of a UTC day (the visitor hash
     * rotates daily, so a visitor-day is the unit of "unique"). Additive, hence exact over any range.
     */
    uniques: integer("uniques").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.linkId, t.hour] })],
);

/** Per link, UTC hour, dimension and value: the exact edges of ranges that do not start on a UTC day. */
export const clicksDimsHourly = pgTable(
  "clicks_dims_hourly",
  {
    linkId: text("link_id").notNull(),
    hour: timestamp("hour", { withTimezone: true }).notNull(),
    dim: text("dim").notNull(),
    /**
     * A known value. Unknown / none ("") is not written since issue 13: the stats derive it as the total
     * less the known values (db/queries/stats.ts), and ignore the "" rows written before.
     */
    value: text("value").notNull(),
    ...counters,
  },
  (t) => [primaryKey({ columns: [t.linkId, t.hour, t.dim, t.value] })],
);

/** Per link, UTC day, dimension and value: the whole days of a range (24 times fewer rows than hourly). */
export const clicksDimsDaily = pgTable(
  "clicks_dims_daily",
  {
    linkId: text("link_id").notNull(),
    day: date("day").notNull(),
    dim: text("dim").notNull(),
    value: text("value").notNull(),
    ...counters,
  },
  (t) => [primaryKey({ columns: [t.linkId, t.day, t.dim, t.value] })],
);

/**
 * Per link, dimension and value, the counters of aligned blocks of 4, 16 and 64 UTC days (aligned as
 * link_totals' are): the whole days of a long range read a few blocks instead of one row per day (90 days of
 * the hot link were 37,000 daily rows). Only days before dims_seal's `sealed_before` are folded into blocks:
 * the cron folds each block once its last day is sealed (from the daily rows, or the blocks one length
 * shorter), and from then on the ingest adds a late click of a sealed day to its blocks as well as to its
 * day, in the same commit (db/queries/dim-blocks.ts says why none is lost or counted twice).
 */
export const clicksDimsBlocks = pgTable(
  "clicks_dims_blocks",
  {
    linkId: text("link_id").notNull(),
    /** Length of the block in days, one of DIM_BLOCK_SPANS. */
    days: smallint("days").notNull(),
    /** First UTC day of the block. */
    start: date("start").notNull(),
    dim: text("dim").notNull(),
    value: text("value").notNull(),
    ...counters,
  },
  (t) => [primaryKey({ columns: [t.linkId, t.days, t.start, t.dim, t.value] })],
);

/**
 * One row: the days before `sealed_before` are folded into clicks_dims_blocks (every block that ends by then
 * exists). The ingest reads it FOR SHARE in its commit, the fold moves it FOR UPDATE: the row lock is what
 * orders a late click against the fold of its block.
 */
export const dimsSeal = pgTable("dims_seal", {
  id: smallint("id").primaryKey().default(1),
  sealedBefore: date("sealed_before").notNull(),
});

/** The lengths of link_totals' blocks, in days, longest first. */
export const LINK_TOTAL_SPANS = [64, 16, 4, 1] as const;

/**
 * The lengths of clicks_dims_blocks' blocks, longest first: link_totals' but the single day (that is
 * clicks_dims_daily), since a range's whole days are read through the same tiling (db/queries/dim-blocks.ts).
 */
export const DIM_BLOCK_SPANS: readonly number[] = LINK_TOTAL_SPANS.filter((n) => n > 1);

/**
 * Per link, the counters of aligned blocks of UTC days (1, 4, 16 and 64 days; a block of n days starts on
 * a day number, counted from 1970-01-01, that n divides). The all-links top links of a range sum the few
 * blocks that tile its whole days (at most 3 of each shorter length at each end) instead of one row per link
 * and day: 90 days of 10,000 active links were 900,000 daily rows to sum, and are about a tenth of that.
 * Each click adds to one block of each length, in the same commit as every other rollup.
 */
export const linkTotals = pgTable(
  "link_totals",
  {
    /** Length of the block in days, one of LINK_TOTAL_SPANS. */
    days: smallint("days").notNull(),
    /** First UTC day of the block. */
    start: date("start").notNull(),
    linkId: text("link_id").notNull(),
    ...counters,
  },
  (t) => [
    primaryKey({ columns: [t.days, t.start, t.linkId] }),
    // Each block's links by clicks: its leaders, for the all-links top links (db/queries/top-links.ts).
    index("link_totals_rank_idx").on(t.days, t.start, t.clicks.desc(), t.linkId),
  ],
);

/**
 * One row per UTC day, link and human visitor, with the visitor's first click of that day: decides which
 * hour a unique belongs to, also when clicks arrive out of order. Needed only while a click of that day
 * can still arrive: the cron deletes days before the oldest click still waiting, with a margin
 * (functions/ingest/retention.ts); the day leads the key so that delete is a range.
 */
export const visitorDays = pgTable(
  "visitor_days",
  {
    day: date("day").notNull(),
    linkId: text("link_id").notNull(),
    /**
     * The visitor hash as a 64-bit key (functions/ingest/rollup.ts visitorKey: its first 16 hex digits):
     * a third of the text's index size, and as unique in practice (a collision needs two of the same link's
     * visitors of one day to share 64 bits).
     */
    visitor: bigint("visitor", { mode: "bigint" }).notNull(),
    firstAt: timestamp("first_at", { withTimezone: true }).notNull(),
    /**
     * first_at before the last time a late, earlier click moved it; null if never moved. Written by the
     * ingest upsert so that its RETURNING tells which hour loses the unique (RETURNING shows new values only).
     */
    prevFirstAt: timestamp("prev_first_at", { withTimezone: true }),
    /**
     * The URL of the variant that served the visitor-day's first human click (null: a rule, the url or a
     * fallback served it); a variant's unique goes to that variant. On equal first_at the smaller variant
     * text (null first) is the first click, so the choice depends on the clicks only, not on their order.
     */
    variant: text("variant"),
    /** variant before the last time first_at moved, as prev_first_at: the variant that loses the unique. */
    prevVariant: text("prev_variant"),
  },
  (t) => [primaryKey({ columns: [t.day, t.linkId, t.visitor] })],
);

/**
 * Per link, UTC hour and variant (its URL): the visitor-days whose first human click on the link was served
 * by that variant, counted in the hour of that click as clicks_hourly.uniques is, hence additive over hours
 * and exact over any range. Written only for links with variants; their clicks and humans per variant are
 * the "variant" dimension of clicks_dims_hourly / clicks_dims_daily.
 */
export const variantUniquesHourly = pgTable(
  "variant_uniques_hourly",
  {
    linkId: text("link_id").notNull(),
    hour: timestamp("hour", { withTimezone: true }).notNull(),
    variant: text("variant").notNull(),
    uniques: integer("uniques").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.linkId, t.hour, t.variant] })],
);
