/** The SQL of user_sessions: a person's dashboard sessions, made at sign-in, read by every API call they make. */
import { and, eq, gt, isNull, lt, or, sql } from "drizzle-orm";
import type { Db, Tx } from "../client.ts";
import { users, userSessions } from "../schema.ts";
import { isRole, ROLE_SCOPES } from "../../functions/shared/auth/roles.ts";
import type { Principal } from "../../functions/shared/auth/scopes.ts";

/** Stores a new session by the SHA-256 (hex) of its token. */
export async function insertUserSession(db: Db | Tx, s: { hash: string; userId: string; expiresAt: Date }): Promise<void> {
  await db.insert(userSessions).values({ id: s.hash, userId: s.userId, expiresAt: s.expiresAt });
}

/**
 * The person behind a session token's hash, as a principal, or undefined when the session is unknown,
 * revoked or expired, or the person disabled or removed (the cascade removed the session). Scopes come from
 * the person's role as it is now, so a demotion takes effect at their next request.
 */
export async function findSessionPrincipal(db: Db, hash: string): Promise<Principal | undefined> {
  const [row] = await db
    .select(principalColumns)
    .from(userSessions)
    .innerJoin(users, eq(users.id, userSessions.userId))
    .where(and(eq(userSessions.id, hash), isNull(userSessions.revokedAt), gt(userSessions.expiresAt, sql`now()`), eq(users.disabled, false)))
    .limit(1);
  return row && userPrincipal(row);
}

type PrincipalColumns = { id: string; name: string; email: string; role: string; domains: string[] | null; ownLinksOnly: boolean };
const principalColumns = { id: users.id, name: users.name, email: users.email, role: users.role, domains: users.domains, ownLinksOnly: users.ownLinksOnly };

function userPrincipal(row: PrincipalColumns): Principal | undefined {
  if (!isRole(row.role)) return undefined;
  return { kind: "user", id: row.id, name: row.name || row.email, scopes: ROLE_SCOPES[row.role], domains: row.domains, ownLinksOnly: row.ownLinksOnly };
}

/**
 * The person with this id as a principal unless disabled or removed (a background import acting for them).
 * `lock`: the row held FOR SHARE until the caller's transaction ends, so a change to them waits for it.
 */
export async function findUserPrincipal(db: Db | Tx, id: string, opts: { lock?: boolean } = {}): Promise<Principal | undefined> {
  const query = db.select(principalColumns).from(users).where(and(eq(users.id, id), eq(users.disabled, false))).limit(1);
  const [row] = opts.lock ? await query.for("share") : await query;
  return row && userPrincipal(row);
}

/** Revokes the session (sign-out); the person it belonged to, or undefined when it was unknown or already revoked. */
export async function revokeUserSession(db: Db | Tx, hash: string): Promise<string | undefined> {
  const [row] = await db
    .update(userSessions)
    .set({ revokedAt: sql`now()` })
    .where(and(eq(userSessions.id, hash), isNull(userSessions.revokedAt)))
    .returning({ userId: userSessions.userId });
  return row?.userId;
}

/** Sets the person's last_seen_at to now unless it was set within the last minute (by another isolate, say). */
export async function touchUserLastSeen(db: Db, id: string): Promise<void> {
  await db
    .update(users)
    .set({ lastSeenAt: sql`now()` })
    .where(and(eq(users.id, id), or(isNull(users.lastSeenAt), lt(users.lastSeenAt, sql`now() - interval '1 minute'`))));
}

/** Revokes every open session of a person (disabling them): each stops working at its next request. */
export async function revokeUserSessions(db: Db | Tx, userId: string): Promise<void> {
  await db.update(userSessions).set({ revokedAt: sql`now()` }).where(and(eq(userSessions.userId, userId), isNull(userSessions.revokedAt)));
}

/** Deletes every session of a person (removing them; the foreign key's cascade would too, this says so). */
export async function deleteUserSessions(db: Db | Tx, userId: string): Promise<void> {
  await db.delete(userSessions).where(eq(userSessions.userId, userId));
}
