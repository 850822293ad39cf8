/** The SQL of webhook endpoints (the admin's routes, and the dispatcher's fan-out targets). */
import { desc, eq, sql } from "drizzle-orm";
import type { Db, Tx } from "../client.ts";
import { webhookEndpoints, type WebhookEndpointRow } from "../schema.ts";
import { WEBHOOK_AUDIT, withAudit, type AuditBy } from "./audit.ts";

export type NewEndpoint = typeof webhookEndpoints.$inferInsert;

/** Logged (`audit`, without the secrets) in the same statement, as are the changes and removals below. */
export async function insertEndpoint(db: Db, row: NewEndpoint, audit: AuditBy): Promise<WebhookEndpointRow> {
  const [r] = await withAudit(db, db.insert(webhookEndpoints).values(row).returning(), { ...audit, table: WEBHOOK_AUDIT, returned: "after" });
  return r;
}

export async function selectEndpoint(db: Db | Tx, id: string): Promise<WebhookEndpointRow | undefined> {
  const [r] = await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id)).limit(1);
  return r;
}

/** Newest first; at most 1,000 (an admin's list, not a data set). */
export function listEndpoints(db: Db): Promise<WebhookEndpointRow[]> {
  return db.select().from(webhookEndpoints).orderBy(desc(webhookEndpoints.createdAt), desc(webhookEndpoints.id)).limit(1000);
}

export async function updateEndpoint(db: Db, id: string, values: Partial<NewEndpoint>, audit: AuditBy): Promise<WebhookEndpointRow | undefined> {
  const where = eq(webhookEndpoints.id, id);
  const update = db.update(webhookEndpoints).set({ ...values, updatedAt: sql`now()` }).where(where).returning();
  const [r] = await withAudit(db, update, { ...audit, table: WEBHOOK_AUDIT, returned: "after", before: { from: webhookEndpoints, where } });
  return r;
}

export async function deleteEndpoint(db: Db, id: string, audit: AuditBy): Promise<boolean> {
  const remove = db.delete(webhookEndpoints).where(eq(webhookEndpoints.id, id)).returning();
  const r = await withAudit(db, remove, { ...audit, table: WEBHOOK_AUDIT, returned: "before" });
  return r.length > 0;
}

/** Enabled endpoints (the dispatcher's fan-out targets). */
export function enabledEndpoints(db: Db | Tx): Promise<WebhookEndpointRow[]> {
  return db.select().from(webhookEndpoints).where(eq(webhookEndpoints.enabled, true));
}

/** Removes the endpoints whose URL starts with `prefix` (tests clean up their sinks this way). */
export async function deleteEndpointsByUrlPrefix(db: Db, prefix: string): Promise<number> {
  const r = await db.delete(webhookEndpoints).where(sql`starts_with(${webhookEndpoints.url}, ${prefix})`).returning({ id: webhookEndpoints.id });
  return r.length;
}
