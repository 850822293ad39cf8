import { sql } from "drizzle-orm";
import { boolean, index, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";

/**
 * People who sign in to the dashboard through the identity provider (docs/teams.md). A person is one more
 * kind of principal: `role` maps onto the API's scopes (functions/shared/auth/roles.ts), and `domains` /
 * `ownLinksOnly` restrict them exactly as they restrict an API key.
 */
export const users = pgTable(
  "users",
  {
    /** "usr_" and 16 base62 characters: never confused with an API key's id in links.created_by. */
    id: text("id").primaryKey(),
    /** Lower-cased; an invitation is taken up by the first sign-in with this address. */
    email: text("email").notNull(),
    name: text("name").notNull().default(""),
    /** owner, admin, editor or viewer. */
    role: text("role").notNull(),
    /** Restriction, as api_keys.domains: hostnames ("" = the default domain); null = every domain. */
    domains: text("domains").array(),
    /** Restriction: the person sees only the links they created. */
    ownLinksOnly: boolean("own_links_only").notNull().default(false),
    disabled: boolean("disabled").notNull().default(false),
    /** The provider's issuer and subject, set at first sign-in; null while the invitation is pending. */
    issuer: text("issuer"),
    subject: text("subject"),
    /** Who invited them (links.created_by's form: a user or key id; null for the admin key or self-sign-up). */
    createdBy: text("created_by"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp("last_seen_at", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("users_email_idx").on(t.email),
    uniqueIndex("users_subject_idx").on(t.issuer, t.subject).where(sql`${t.subject} IS NOT NULL`),
  ],
);

export type UserRow = typeof users.$inferSelect;

/**
 * Dashboard sessions of people, server-side so they can be revoked: the cookie holds the token sealed, the
 * table only its SHA-256. Removing a person removes their sessions; disabling or demoting them takes effect
 * at their next request, which reads the person anew.
 */
export const userSessions = pgTable(
  "user_sessions",
  {
    /** Hex SHA-256 of the session token. */
    id: text("id").primaryKey(),
    userId: text("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
  },
  (t) => [index("user_sessions_user_idx").on(t.userId)],
);
