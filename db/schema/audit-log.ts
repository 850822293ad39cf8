import { sql } from "drizzle-orm";
import { bigserial, index, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/** Who did something: a person, an API key, or the deployment's admin key (type "key", id "admin"). */
export interface AuditActor {
  type: "user" | "key";
  id: string;
  name: string;
}

/**
 * Every change and every sign-in, appended in the same transaction as the change it records
 * (db/queries/audit.ts), so a change without its entry, or an entry without its change, cannot exist.
 */
export const auditLog = pgTable(
  "audit_log",
  {
    seq: bigserial("seq", { mode: "number" }).primaryKey(),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
    /** null for a failed sign-in by someone unknown (the attempted email is in `after`). */
    actor: jsonb("actor").$type<AuditActor | null>(),
    /** "link.created", "user.updated", "session.signed_in", "session.sign_in_failed", ... */
    action: text("action").notNull(),
    /** What was changed: "link:<id>", "user:<id>", "domain:<hostname>", ... */
    target: text("target"),
    /** The link's domain hostname ("" = the default) for link entries, so a restricted reader sees only its domains. */
    domain: text("domain"),
    /** The link's creator for link entries, so an ownLinksOnly reader sees only its own. */
    linkCreatedBy: text("link_created_by"),
    before: jsonb("before"),
    after: jsonb("after"),
  },
  (t) => [
    index("audit_log_at_idx").on(t.at.desc(), t.seq.desc()),
    index("audit_log_actor_idx").on(sql`(${t.actor}->>'id')`, t.seq.desc()),
    index("audit_log_target_idx").on(t.target, t.seq.desc()),
  ],
);

export type AuditRow = typeof auditLog.$inferSelect;
