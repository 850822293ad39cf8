import { jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/**
 * Clicks the redirect could not put on the Redis stream (Redis down): written here instead, by click id,
 * and drained by the same ingest routine as the stream, so a click is neither lost nor counted twice.
 */
export const clickInbox = pgTable("click_inbox", {
  id: text("id").primaryKey(),
  /** The ClickEvent as captured at the edge. */
  event: jsonb("event").notNull(),
  receivedAt: timestamp("received_at", { withTimezone: true }).notNull().defaultNow(),
});
