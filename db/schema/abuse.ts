import { bigserial, index, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/** Hosts no link may point to: an exact lowercase host ("evil.example") or a suffix rule ("*.evil.example"). */
export const blockedHosts = pgTable("blocked_hosts", {
  /** Lowercase, no trailing dot; "*." + suffix for a suffix rule. */
  host: text("host").primaryKey(),
  /** Who added it: a user or key id (links.created_by's form); null for the admin key. */
  createdBy: text("created_by"),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

/** Reports of links by anyone (no auth): the admins' queue. Nothing a reporter sends changes a link. */
export const linkReports = pgTable(
  "link_reports",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    /** The reported link, when the report named one that exists; null otherwise (kept: a queue of what people saw). */
    linkId: text("link_id"),
    /** What the reporter gave: a short URL or a slug, as sent (bounded by the route). */
    target: text("target").notNull(),
    /** One of the route's reason codes ("phishing", "malware", "spam", "broken", "other"). */
    reason: text("reason").notNull(),
    /** Free text from the reporter, bounded by the route. */
    details: text("details"),
    /** Optional contact address of the reporter. */
    email: text("email"),
    /** "open", "disabled" (the link was disabled) or "dismissed". */
    status: text("status").notNull().default("open"),
    resolvedAt: timestamp("resolved_at", { withTimezone: true }),
    /** Who resolved it: a user or key id. */
    resolvedBy: text("resolved_by"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("link_reports_status_idx").on(t.status, t.id.desc()), index("link_reports_link_idx").on(t.linkId)],
);

export type BlockedHostRow = typeof blockedHosts.$inferSelect;
export type LinkReportRow = typeof linkReports.$inferSelect;
