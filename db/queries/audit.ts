/** The SQL of audit_log: entries appended in the transaction of the change they record, and the log read back. */
import type { Db, Tx } from "../client.ts";
import { auditLog, type AuditActor } from "../schema.ts";
import type { Principal } from "../../functions/shared/auth/scopes.ts";

export interface AuditEntry {
  /** Who did it; null for a failed sign-in by someone unknown. */
  actor: Principal | null;
  /** `<resource>.<verb>`: link.created, user.updated, session.signed_in, ... */
  action: string;
  /** What it was done to: "link:<id>", "user:<id>", "domain:<hostname>", "key:<id>", "webhook:<id>", ... */
  target?: string;
  /** For link entries: the link's domain ("" = the default) and creator, so restricted readers see only theirs. */
  domain?: string | null;
  linkCreatedBy?: string | null;
  before?: unknown;
  after?: unknown;
}

export const auditActor = (p: Principal): AuditActor => ({ type: p.kind, id: p.id, name: p.name });

/** Appends one entry; pass the transaction of the change it records, so both or neither are kept. */
export async function appendAudit(db: Db | Tx, e: AuditEntry): Promise<void> {
  await db.insert(auditLog).values({
    actor: e.actor ? auditActor(e.actor) : null,
    action: e.action,
    target: e.target ?? null,
    domain: e.domain ?? null,
    linkCreatedBy: e.linkCreatedBy ?? null,
    before: e.before ?? null,
    after: e.after ?? null,
  });
}
