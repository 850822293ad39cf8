import { index, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/**
 * Raw clicks, one row per redirect served, keyed by the click id minted at the edge so that a batch
 * delivered twice inserts nothing the second time. Kept for the raw-retention period only.
 */
export const clicks = pgTable(
  "clicks",
  {
    id: text("id").primaryKey(),
    linkId: text("link_id").notNull(),
    ts: timestamp("ts", { withTimezone: true }).notNull(),
    /** human | bot | preview */
    kind: text("kind").notNull(),
    /** Why a click is not human: "isbot", "head", "prefetch", "preview-fetcher"; null for humans. */
    reason: text("reason"),
    /** Hex hash of IP + user agent with a salt that rotates every UTC day; never the IP itself. */
    visitor: text("visitor").notNull(),
    userAgent: text("user_agent"),
    referrer: text("referrer"),
    referrerHost: text("referrer_host"),
    country: text("country"),
    region: text("region"),
    city: text("city"),
    device: text("device"),
    browser: text("browser"),
    os: text("os"),
    utmSource: text("utm_source"),
    utmMedium: text("utm_medium"),
    utmCampaign: text("utm_campaign"),
    /** Query string of the short URL request, without the leading "?". */
    query: text("query"),
    /**
     * The URL chosen for the visit as stored on the link (a rule's, a variant's, the link's url, or the
     * fallback), before query forwarding; null when withheld, or for clicks captured before routing existed.
     */
    chosenUrl: text("chosen_url"),
    /** What chose it: "rule:<i>", "variant:<i>" or "url"; null for a fallback, a withheld answer, or old clicks. */
    chosenBy: text("chosen_by"),
  },
  (t) => [index("clicks_link_ts_idx").on(t.linkId, t.ts), index("clicks_ts_idx").on(t.ts)],
);

export type ClickRow = typeof clicks.$inferSelect;
