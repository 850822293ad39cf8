/** The SQL of users: the people routes (functions/api/users/) and the owner rules they keep. */
import { and, asc, eq, sql } from "drizzle-orm";
import type { Db, Tx } from "../client.ts";
import { users, type UserRow } from "../schema.ts";

export function listUsers(db: Db): Promise<UserRow[]> {
  return db.select().from(users).orderBy(asc(users.createdAt), asc(users.id));
}

/** Inserts the person; undefined when the email is taken (by a person or a pending invitation). */
export async function insertUser(db: Db | Tx, user: typeof users.$inferInsert): Promise<UserRow | undefined> {
  const [row] = await db.insert(users).values(user).onConflictDoNothing({ target: users.email }).returning();
  return row;
}

/**
 * The person, their row locked until the transaction ends, so two changes to them are applied one after the
 * other, each checking the rules against what the other left.
 */
export async function lockUser(tx: Tx, id: string): Promise<UserRow | undefined> {
  const [row] = await tx.select().from(users).where(eq(users.id, id)).for("update").limit(1);
  return row;
}

/**
 * The ids of the enabled owners, each row locked until the transaction ends. Every change to people takes
 * these locks first (in id order, so two changes never deadlock), then the person's: two owners demoting each
 * other at once are applied one after the other, and the second sees that the first is no owner any more.
 */
export async function lockActiveOwners(tx: Tx): Promise<string[]> {
  const rows = await tx
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.role, "owner"), eq(users.disabled, false)))
    .orderBy(asc(users.id))
    .for("update");
  return rows.map((r) => r.id);
}

/** Applies `values` to the person (locked by lockUser first) and sets updated_at. */
export async function updateUser(tx: Tx, id: string, values: Partial<typeof users.$inferInsert>): Promise<UserRow> {
  const [row] = await tx.update(users).set({ ...values, updatedAt: sql`now()` }).where(eq(users.id, id)).returning();
  return row;
}

export async function deleteUser(tx: Tx, id: string): Promise<void> {
  await tx.delete(users).where(eq(users.id, id));
}

