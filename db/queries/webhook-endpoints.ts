/** The SQL of webhook endpoints (the admin's routes, and the dispatcher's fan-out targets). */
import { desc, eq, sql } from "drizzle-orm";
import type { Db, Tx } from "../client.ts";
import { webhookEndpoints, type WebhookEndpointRow } from "../schema.ts";

export type NewEndpoint = typeof webhookEndpoints.$inferInsert;

export async function insertEndpoint(db: Db, row: NewEndpoint): Promise<WebhookEndpointRow> {
  const [r] = await db.insert(webhookEndpoints).values(row).returning();
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

export async function updateEndpoint(db: Db, id: string, values: Partial<NewEndpoint>): Promise<WebhookEndpointRow | undefined> {
  const [r] = await db.update(webhookEndpoints).set({ ...values, updatedAt: sql`now()` }).where(eq(webhookEndpoints.id, id)).returning();
  return r;
}

export async function deleteEndpoint(db: Db, id: string): Promise<boolean> {
  const r = await db.delete(webhookEndpoints).where(eq(webhookEndpoints.id, id)).returning({ id: webhookEndpoints.id });
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
