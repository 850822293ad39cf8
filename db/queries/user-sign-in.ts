/** The SQL of signing a person in: finding them by their provider identity, taking up an invitation, joining. */
import { and, eq, isNull, sql } from "drizzle-orm";
import type { Tx } from "../client.ts";
import { users, type UserRow } from "../schema.ts";

/** The person the provider knows by this issuer and subject. */
export async function findUserBySubject(tx: Tx, issuer: string, subject: string): Promise<UserRow | undefined> {
  const [row] = await tx.select().from(users).where(and(eq(users.issuer, issuer), eq(users.subject, subject))).limit(1);
  return row;
}

/** The person with this (lower-cased) email, bound to a provider identity or not. */
export async function findUserByEmail(tx: Tx, email: string): Promise<UserRow | undefined> {
  const [row] = await tx.select().from(users).where(eq(users.email, email)).limit(1);
  return row;
}

/**
 * Takes up the invitation of `email`: binds it to the provider identity, unless someone already did (one
 * statement, so two first sign-ins at once cannot both take it). The name is the provider's when none was given.
 */
export async function bindInvitation(tx: Tx, email: string, who: { issuer: string; subject: string; name: string }): Promise<UserRow | undefined> {
  const [row] = await tx
    .update(users)
    .set({ issuer: who.issuer, subject: who.subject, name: sql`CASE WHEN ${users.name} = '' THEN ${who.name} ELSE ${users.name} END`, updatedAt: sql`now()`, lastSeenAt: sql`now()` })
    .where(and(eq(users.email, email), isNull(users.subject), eq(users.disabled, false)))
    .returning();
  return row;
}

/** Makes a person who joined by themselves; undefined when the email was taken meanwhile. */
export async function insertJoinedUser(tx: Tx, u: { id: string; email: string; name: string; role: string; issuer: string; subject: string }): Promise<UserRow | undefined> {
  const [row] = await tx.insert(users).values({ ...u, lastSeenAt: sql`now()` }).onConflictDoNothing().returning();
  return row;
}

/** At sign-in: the person was seen now. */
export async function markUserSeen(tx: Tx, id: string): Promise<void> {
  await tx.update(users).set({ lastSeenAt: sql`now()` }).where(eq(users.id, id));
}
