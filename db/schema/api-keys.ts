import { sql } from "drizzle-orm";
import { boolean, pgTable, text, timestamp } from "drizzle-orm/pg-core";

export const apiKeys = pgTable("api_keys", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  /** First characters of the key, shown in lists so a person can tell keys apart. */
  prefix: text("prefix").notNull(),
  /** Hex SHA-256 of the whole key; the key itself is never stored. */
  hash: text("hash").notNull().unique(),
  scopes: text("scopes").array().notNull().default(sql`'{}'::text[]`),
  /**
   * Restriction: the key sees and creates links on these domains only (hostnames; "" = the default domain,
   * db/schema/domains.ts DEFAULT_DOMAIN_ROW); null = every domain.
   */
  domains: text("domains").array(),
  /** Restriction: the key sees only the links it created (links.created_by). */
  ownLinksOnly: boolean("own_links_only").notNull().default(false),
  /** Who minted it: a user or key id (links.created_by's form); null for the admin key. */
  createdBy: text("created_by"),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
  revokedAt: timestamp("revoked_at", { withTimezone: true }),
});

export type ApiKeyRow = typeof apiKeys.$inferSelect;
