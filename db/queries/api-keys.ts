/** The SQL of the keys API. Authentication's own lookup lives in functions/shared/auth.ts. */
import { and, desc, eq, isNull, sql } from "drizzle-orm";
import type { Db } from "../client.ts";
import { apiKeys, type ApiKeyRow } from "../schema.ts";

export async function insertApiKey(db: Db, key: typeof apiKeys.$inferInsert): Promise<ApiKeyRow> {
  const [row] = await db.insert(apiKeys).values(key).returning();
  return row;
}

export function listApiKeys(db: Db): Promise<ApiKeyRow[]> {
  return db.select().from(apiKeys).orderBy(desc(apiKeys.createdAt), desc(apiKeys.id));
}

/** Marks the key revoked; undefined when there is no such key or it was already revoked. */
export async function revokeApiKey(db: Db, id: string): Promise<ApiKeyRow | undefined> {
  const [row] = await db
    .update(apiKeys)
    .set({ revokedAt: sql`now()` })
    .where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt)))
    .returning();
  return row;
}
