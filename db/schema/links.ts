import { sql } from "drizzle-orm";
import { bigint, boolean, index, integer, jsonb, pgTable, smallint, text, timestamp, unique } from "drizzle-orm/pg-core";
import { timestamps } from "./columns.ts";
import { domains } from "./domains.ts";

/**
 * A routing rule and an A/B variant as stored: written only by the links API after its zod schemas
 * (functions/api/links/routing-schemas.ts, Rule and Variant) accepted them, in toStoredRules' form. Spelled
 * out here so the schema does not depend on the API's modules.
 */
export interface StoredRule {
  url: string;
  conditions: { type: string; matchKey?: string | null; matchValue?: string | null }[];
}
export interface StoredVariant {
  url: string;
  weight: number;
}
/**
 * The card a link-preview fetcher (Slack, X, WhatsApp, ...) is shown instead of the redirect: written only by
 * the links API after its Preview schema accepted it (`image` an https URL). Each field may be null.
 */
/** The outcome of the last checks of a link's destination (functions/health/): null until its first check. */
export interface StoredHealth {
  status: "ok" | "broken" | "unsafe";
  /** The final answer's status; null when none came (DNS, TLS, connection, timeout). */
  httpStatus: number | null;
  /** ISO 8601 UTC of the last check. */
  checkedAt: string;
  /** What the last check found, in a word ("404", "dns", "tls", "timeout", "5xx", "redirects", "private-host", ...). */
  reason?: string | null;
  /** Consecutive checks that found a transient failure (a 5xx or a timeout): broken only after several. */
  failures?: number;
}
export interface StoredPreview {
  title: string | null;
  description: string | null;
  image: string | null;
}

export const links = pgTable(
  "links",
  {
    id: text("id").primaryKey(),
    /** Case-sensitive; [A-Za-z0-9_-]{1,64}; unique per domain. */
    slug: text("slug").notNull(),
    /**
     * Hostname of the custom domain the link is served on; null = the default domain (the host of
     * PUBLIC_BASE_URL). A domain with links cannot be deleted (the foreign key restricts it).
     */
    domain: text("domain").references(() => domains.hostname, { onDelete: "restrict" }),
    url: text("url").notNull(),
    /** HTTP status of the redirect: 301, 302, 307 or 308. */
    redirectType: smallint("redirect_type").notNull().default(302),
    title: text("title"),
    tags: text("tags").array().notNull().default(sql`'{}'::text[]`),
    /** Before this instant the link answers as if it did not exist (404, or the domain's notFoundRedirect); null = at once. */
    validSince: timestamp("valid_since", { withTimezone: true }),
    expiresAt: timestamp("expires_at", { withTimezone: true }),
    /** Human clicks after which the link answers 410 (or its fallback); null = unlimited. */
    maxClicks: integer("max_clicks"),
    fallbackUrl: text("fallback_url"),
    /** "pbkdf2-sha256$<iterations>$<salt b64>$<hash b64>"; null = no password. */
    passwordHash: text("password_hash"),
    /** Whether the visitor's query string is appended to the destination (docs/routing.md); Shlink's forwardQuery. */
    forwardQuery: boolean("forward_query").notNull().default(true),
    /** Listed as `Allow: /{slug}` in its domain's robots.txt; everything else is disallowed. Shlink's crawlable. */
    crawlable: boolean("crawlable").notNull().default(false),
    /** Routing rules, in order (docs/routing.md): the first whose conditions all match is served. */
    rules: jsonb("rules").$type<StoredRule[]>().notNull().default([]),
    /** A/B variants (2 to 10 URLs with weights adding up to 100) splitting the visits no rule took; null = none. */
    variants: jsonb("variants").$type<StoredVariant[]>(),
    /** Set by an admin (e.g. resolving a report): the link answers 410 with a page saying so, on every path. */
    disabledAt: timestamp("disabled_at", { withTimezone: true }),
    /** Why it was disabled, shown on that page. */
    disabledReason: text("disabled_reason"),
    /**
     * Why visitors are warned before going on (a destination found unsafe after the link was made): they get a
     * page with a "continue anyway" link instead of the redirect until an admin clears it (null).
     */
    warning: text("warning"),
    /** The destination's last health check (functions/health/); null = never checked. */
    health: jsonb("health").$type<StoredHealth>(),
    /**
     * When its destination is next due for a health check; null = as soon as the cron gets to it. A new link is
     * due 5 minutes after it is made (the cron wakes Postgres for it at the next full hour: docs/abuse.md).
     */
    healthDueAt: timestamp("health_due_at", { withTimezone: true }).default(sql`now() + interval '5 minutes'`),
    /** The social card shown to link-preview fetchers; null = none (they get the redirect, like everyone). */
    preview: jsonb("preview").$type<StoredPreview>(),
    /** API key that created the link (null for the bootstrap admin key); what ownLinksOnly keys see. */
    createdBy: text("created_by"),
    /**
     * 1 on insert, +1 on every update, computed on the locked row: the order of a link's writes, which the
     * Redis link cache compares so an older write never replaces a newer one (timestamps can tie or invert).
     */
    version: bigint("version", { mode: "number" }).notNull().default(1),
    ...timestamps,
  },
  (t) => [
    // NULLS NOT DISTINCT: two links of the default domain (null) may not share a slug either.
    unique("links_domain_slug_unique").on(t.domain, t.slug).nullsNotDistinct(),
    index("links_created_by_idx").on(t.createdBy, t.createdAt.desc(), t.id.desc()),
    index("links_created_id_idx").on(t.createdAt.desc(), t.id.desc()),
    index("links_tags_idx").using("gin", t.tags),
    // Shlink's findIfExists looks a link up by its destination; hash, as URLs can outgrow a btree entry.
    index("links_url_idx").using("hash", t.url),
    // The cron takes the links most overdue for a health check first.
    index("links_health_due_idx").on(t.healthDueAt.asc().nullsFirst()),
  ],
);

export type LinkRow = typeof links.$inferSelect;
