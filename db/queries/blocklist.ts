/**
 * The SQL of blocked_hosts: the blocklist API, and the check every link write makes (functions/abuse/).
 * Rules are stored normalised (functions/abuse/block-hosts.ts), so a lookup is an exact match on the key.
 */
import { asc, eq, gt, ne, sql } from "drizzle-orm";
import { unionAll } from "drizzle-orm/pg-core";
import type { Db } from "../client.ts";
import { blockedHosts, DEFAULT_DOMAIN_ROW, domains, type BlockedHostRow } from "../schema.ts";
import { textArray } from "../sql-arrays.ts";
import { withAudit, type AuditBy, type AuditedTable } from "./audit.ts";

export const BLOCKLIST_AUDIT: AuditedTable = { kind: "blocklist", key: "host", hidden: [] };

/** Undefined when the rule is there already. Logged (`audit`) in the same statement. */
export async function insertBlockedHost(db: Db, host: string, createdBy: string | null, audit: AuditBy): Promise<BlockedHostRow | undefined> {
  const insert = db.insert(blockedHosts).values({ host, createdBy }).onConflictDoNothing().returning();
  const [row] = await withAudit(db, insert, { ...audit, table: BLOCKLIST_AUDIT, returned: "after" });
  return row;
}

/** Undefined when there was no such rule. */
export async function deleteBlockedHost(db: Db, host: string, audit: AuditBy): Promise<BlockedHostRow | undefined> {
  const remove = db.delete(blockedHosts).where(eq(blockedHosts.host, host)).returning();
  const [row] = await withAudit(db, remove, { ...audit, table: BLOCKLIST_AUDIT, returned: "before" });
  return row;
}

/** A page of rules in host order, after `after` (keyset); one more than `limit` tells whether more follow. */
export async function listBlockedHosts(db: Db, limit: number, after?: string): Promise<{ rows: BlockedHostRow[]; more: boolean }> {
  const page = await db
    .select()
    .from(blockedHosts)
    .where(after === undefined ? undefined : gt(blockedHosts.host, after))
    .orderBy(asc(blockedHosts.host))
    .limit(limit + 1);
  return { rows: page.slice(0, limit), more: page.length > limit };
}

/**
 * What a link write checks its destinations against, in ONE statement: the custom domains' hostnames (the
 * hosts a destination may not loop back to, functions/api/links/served-hosts.ts) and which of `rules` (every
 * rule that would block one of the request's destination hosts) are on the blocklist. So the blocklist adds
 * no round trip and no statement to a write.
 */
export async function selectServedAndBlocked(db: Db, rules: readonly string[]): Promise<{ custom: string[]; blocked: string[] }> {
  const served = db
    .select({ host: domains.hostname, blocked: sql<boolean>`false`.as("blocked") })
    .from(domains)
    .where(ne(domains.hostname, DEFAULT_DOMAIN_ROW));
  const rows = rules.length
    ? await unionAll(served, db.select({ host: blockedHosts.host, blocked: sql<boolean>`true`.as("blocked") }).from(blockedHosts).where(sql`${blockedHosts.host} = any(${textArray(rules)})`))
    : await served;
  const custom: string[] = [];
  const blocked: string[] = [];
  for (const r of rows) (r.blocked ? blocked : custom).push(r.host);
  return { custom, blocked };
}
