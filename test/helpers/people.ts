/**
 * People signed in without the identity provider: a users row and a user_sessions row written straight into
 * Postgres, the session's id the SHA-256 hex of an `ems_` token, as a dashboard sign-in leaves them. The token
 * is sent as a bearer, as the dashboard's in-process API client sends it.
 */
import { and, eq, ne } from "drizzle-orm";
import { users, userSessions } from "../../db/schema.ts";
import type { Role } from "../../functions/shared/auth/roles.ts";
import { randomBase62, sha256Hex } from "../../functions/shared/crypto.ts";
import { withDb } from "./db.ts";
import { uniqueSlug } from "./unique.ts";

export interface Person {
  id: string;
  email: string;
  /** `ems_...`: send as `key` to call() as this person. */
  token: string;
}

/** A session for the person `userId` (who exists), valid for an hour unless `expiresAt` says otherwise. */
export async function sessionFor(userId: string, expiresAt = new Date(Date.now() + 3_600_000)): Promise<string> {
  const token = "ems_" + randomBase62(32);
  const id = await sha256Hex(token);
  await withDb((db) => db.insert(userSessions).values({ id, userId, expiresAt }));
  return token;
}

/** A person with `role` (and restrictions: `domains` in api_keys.domains' form), signed in. */
export async function signedInPerson(
  role: Role, opts: { domains?: string[] | null; ownLinksOnly?: boolean; name?: string } = {},
): Promise<Person> {
  const id = "usr_" + randomBase62(16);
  const email = `${uniqueSlug("p")}@team.example.test`;
  await withDb((db) =>
    db.insert(users).values({ id, email, name: opts.name ?? "", role, domains: opts.domains ?? null, ownLinksOnly: opts.ownLinksOnly ?? false,
      issuer: "https://idp.example.test", subject: id }),
  );
  return { id, email, token: await sessionFor(id) };
}

/**
 * Runs `fn` with `keep` the only enabled owner: the others are disabled in Postgres for the while, and enabled
 * again after (test files run one at a time, so no other test sees the gap).
 */
export async function asOnlyOwner<T>(keep: string, fn: () => Promise<T>): Promise<T> {
  const others = await withDb((db) =>
    db.update(users).set({ disabled: true }).where(and(eq(users.role, "owner"), eq(users.disabled, false), ne(users.id, keep))).returning({ id: users.id }),
  );
  try {
    return await fn();
  } finally {
    for (const o of others) await withDb((db) => db.update(users).set({ disabled: false }).where(eq(users.id, o.id)));
  }
}

/** The sessions of a person as stored: how many, and how many revoked. */
export async function sessionsOf(userId: string): Promise<{ total: number; revoked: number }> {
  const rows = await withDb((db) => db.select().from(userSessions).where(eq(userSessions.userId, userId)));
  return { total: rows.length, revoked: rows.filter((r) => r.revokedAt).length };
}
