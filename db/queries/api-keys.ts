/** The SQL of api_keys: the keys API, and authentication (functions/shared/auth/). */
import { and, desc, eq, isNull, lt, or, sql } from "drizzle-orm";
import type { Db } from "../client.ts";
import { apiKeys, type ApiKeyRow } from "../schema.ts";
import { KEY_AUDIT, withAudit, type AuditBy } from "./audit.ts";

/** Logged (`audit`, without the key's hash) in the same statement, as is a revocation. */
export async function insertApiKey(db: Db, key: typeof apiKeys.$inferInsert, audit: AuditBy): Promise<ApiKeyRow> {
  const [row] = await withAudit(db, db.insert(apiKeys).values(key).returning(), { ...audit, table: KEY_AUDIT, returned: "after" });
  return row;
}

export function listApiKeys(db: Db): Promise<ApiKeyRow[]> {
  return db.select().from(apiKeys).orderBy(desc(apiKeys.createdAt), desc(apiKeys.id));
}

/** Marks the key revoked; undefined when there is no such key or it was already revoked. */
export async function revokeApiKey(db: Db, id: string, audit: AuditBy): Promise<ApiKeyRow | undefined> {
  const where = and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt));
  const revoke = db.update(apiKeys).set({ revokedAt: sql`now()` }).where(where).returning();
  const [row] = await withAudit(db, revoke, { ...audit, table: KEY_AUDIT, returned: "after", before: { from: apiKeys, where } });
  return row;
}

/** The SHA-256 hashes of the keys not revoked (at most `limit`): how a refused client's good key is recognised. */
export async function activeKeyHashes(db: Db, limit: number): Promise<string[]> {
  const rows = await db.select({ hash: apiKeys.hash }).from(apiKeys).where(isNull(apiKeys.revokedAt)).limit(limit);
  return rows.map((r) => r.hash);
}

/**
 * The key with this SHA-256 hash (authentication) or this id (a background import acting for it), unless
 * revoked. `lock`: held FOR SHARE until the caller's transaction ends, so a revocation waits for it.
 */
export async function findActiveKey(
  db: Db,
  by: { hash: string } | { id: string },
  opts: { lock?: boolean } = {},
): Promise<{ id: string; name: string; scopes: string[]; domains: string[] | null; ownLinksOnly: boolean } | undefined> {
  const query = db
    .select({ id: apiKeys.id, name: apiKeys.name, scopes: apiKeys.scopes, domains: apiKeys.domains, ownLinksOnly: apiKeys.ownLinksOnly })
    .from(apiKeys)
    .where(and("hash" in by ? eq(apiKeys.hash, by.hash) : eq(apiKeys.id, by.id), isNull(apiKeys.revokedAt)))
    .limit(1);
  const [row] = opts.lock ? await query.for("share") : await query;
  return row;
}

/** Sets last_used_at to now unless it was set within the last minute (by another isolate, say). */
export async function touchKeyLastUsed(db: Db, id: string): Promise<void> {
  await db
    .update(apiKeys)
    .set({ lastUsedAt: sql`now()` })
    .where(and(eq(apiKeys.id, id), or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, sql`now() - interval '1 minute'`))));
}
