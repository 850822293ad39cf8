/** The SQL of user_sessions: a person's dashboard session, read on every request so revocation is immediate. */
import { and, eq, gt, isNull, sql } from "drizzle-orm";
import type { Db, Tx } from "../client.ts";
import { users, userSessions } from "../schema.ts";
import { isRole, ROLE_SCOPES } from "../../functions/shared/auth/roles.ts";
import type { Principal } from "../../functions/shared/auth/scopes.ts";

/**
 * The person a session (by the SHA-256 hex of its token) acts for; undefined when the session is revoked or
 * expired, or the person disabled or removed. Scopes come from the person's current role, so a demotion takes
 * effect at their next request.
 */
export async function findSessionPrincipal(db: Db, hash: string): Promise<Principal | undefined> {
  const [row] = await db
    .select({ id: users.id, name: users.name, email: users.email, role: users.role, domains: users.domains, ownLinksOnly: users.ownLinksOnly })
    .from(userSessions)
    .innerJoin(users, eq(users.id, userSessions.userId))
    .where(and(eq(userSessions.id, hash), isNull(userSessions.revokedAt), gt(userSessions.expiresAt, sql`now()`), eq(users.disabled, false)))
    .limit(1);
  if (!row || !isRole(row.role)) return undefined;
  return { kind: "user", id: row.id, name: row.name || row.email, scopes: ROLE_SCOPES[row.role], domains: row.domains, ownLinksOnly: row.ownLinksOnly };
}

/** Revokes every open session of a person (disabling them): each stops working at its next request. */
export async function revokeUserSessions(db: Db | Tx, userId: string): Promise<void> {
  await db.update(userSessions).set({ revokedAt: sql`now()` }).where(and(eq(userSessions.userId, userId), isNull(userSessions.revokedAt)));
}

/** Deletes every session of a person (removing them; the foreign key's cascade would too, this says so). */
export async function deleteUserSessions(db: Db | Tx, userId: string): Promise<void> {
  await db.delete(userSessions).where(eq(userSessions.userId, userId));
}
