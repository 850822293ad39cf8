/**
 * Who may sign in through the identity provider, decided in one transaction with its audit entry: a person
 * whose issuer and subject are known; else the invitation of their (verified) email, which is then bound to
 * that subject; else, when the email's domain is in OIDC_ALLOWED_DOMAINS, a new person with
 * OIDC_DEFAULT_ROLE; else nobody. A disabled person is refused. On success a session is made: a random token
 * whose SHA-256 is stored in user_sessions, revocable (sign-out, or the person disabled or removed).
 */
import type { Db, Tx } from "../../../db/client.ts";
import { appendAudit } from "../../../db/queries/audit.ts";
import { bindInvitation, findUserByEmail, findUserBySubject, insertJoinedUser, markUserSeen } from "../../../db/queries/user-sign-in.ts";
import { insertUserSession } from "../../../db/queries/user-sessions.ts";
import type { UserRow } from "../../../db/schema.ts";
import { isRole, ROLE_SCOPES } from "../../shared/auth/roles.ts";
import type { Principal } from "../../shared/auth/scopes.ts";
import { newSessionToken } from "../../shared/auth/session-token.ts";
import { randomBase62, sha256Hex } from "../../shared/crypto.ts";
import type { Identity } from "./client.ts";
import type { OidcSettings } from "./settings.ts";

export type Admission =
  | { ok: true; user: UserRow; principal: Principal; token: string }
  | { ok: false; reason: string };

/** How the audit log and createdBy name a person. */
export const personPrincipal = (u: UserRow): Principal => ({
  kind: "user",
  id: u.id,
  name: u.name || u.email,
  scopes: isRole(u.role) ? ROLE_SCOPES[u.role] : [],
  domains: u.domains,
  ownLinksOnly: u.ownLinksOnly,
});

/** A failed sign-in, in the audit log: who the provider said it was (when it said), and why it was refused. */
export async function auditSignInFailure(db: Db | Tx, reason: string, id?: Identity, user?: UserRow): Promise<void> {
  await appendAudit(db, {
    actor: null,
    action: "session.sign_in_failed",
    target: user ? `user:${user.id}` : undefined,
    after: { reason, ...(id && { issuer: id.issuer, subject: id.subject, email: id.email ?? null }) },
  });
}

async function findOrAdmit(tx: Tx, s: OidcSettings, id: Identity): Promise<{ user: UserRow; how: string } | { reason: string; user?: UserRow }> {
  const known = await findUserBySubject(tx, id.issuer, id.subject);
  if (known) return known.disabled ? { reason: "This person is disabled.", user: known } : { user: known, how: "known" };
  if (!id.email || !id.emailVerified) return { reason: "The identity provider did not vouch for an email address (email_verified)." };
  const existing = await findUserByEmail(tx, id.email);
  if (existing) {
    if (existing.disabled) return { reason: "This person is disabled.", user: existing };
    if (existing.subject !== null) return { reason: "This email address belongs to another account at the identity provider.", user: existing };
    const bound = await bindInvitation(tx, id.email, id);
    return bound ? { user: bound, how: "invitation" } : { reason: "This invitation was taken up meanwhile.", user: existing };
  }
  const domain = id.email.slice(id.email.lastIndexOf("@") + 1);
  if (!s.allowedDomains.includes(domain)) return { reason: `${id.email} has not been invited, and ${domain} may not join by itself.` };
  const joined = await insertJoinedUser(tx, {
    id: `usr_${randomBase62(16)}`, email: id.email, name: id.name, role: s.defaultRole, issuer: id.issuer, subject: id.subject,
  });
  return joined ? { user: joined, how: "joined" } : { reason: "This email address was taken meanwhile." };
}

export async function admit(db: Db, s: OidcSettings, id: Identity, ttlSeconds: number): Promise<Admission> {
  return db.transaction(async (tx): Promise<Admission> => {
    const found = await findOrAdmit(tx, s, id);
    if ("reason" in found) {
      await auditSignInFailure(tx, found.reason, id, found.user);
      return { ok: false, reason: found.reason };
    }
    const { user, how } = found;
    const token = newSessionToken();
    await insertUserSession(tx, { hash: await sha256Hex(token), userId: user.id, expiresAt: new Date(Date.now() + ttlSeconds * 1000) });
    if (how === "known") await markUserSeen(tx, user.id);
    const principal = personPrincipal(user);
    await appendAudit(tx, { actor: principal, action: "session.signed_in", target: `user:${user.id}`, after: { how, role: user.role } });
    return { ok: true, user, principal, token };
  });
}
