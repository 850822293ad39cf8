/**
 * The SQL of the webhook outbox: events written in the transaction of what caused them (a trigger on links,
 * and the ingest commit's CTE `outboxClicksSql`), taken by the dispatcher in order.
 */
import { eq, inArray, sql, type SQL } from "drizzle-orm";
import type { Tx } from "../client.ts";
import { clicks, links, webhookOutbox, type ClickRow } from "../schema.ts";

/**
 * The ingest commit's CTE body: one outbox row per click id of `ids` (a query of the ids really inserted),
 * only while some enabled endpoint subscribes to clicks. Part of the commit's own statement or transaction.
 */
export function outboxClicksSql(ids: SQL): SQL {
  return sql`
    insert into webhook_outbox (type, click_id)
    select 'clicks', i.id from (${ids}) i
    where exists (select 1 from webhook_endpoints where enabled and 'clicks' = any(events))`;
}

export type OutboxRow = typeof webhookOutbox.$inferSelect;

/** The oldest `limit` outbox rows no other dispatcher holds, locked until the transaction ends. */
export async function lockOutbox(tx: Tx, limit: number): Promise<OutboxRow[]> {
  return tx.select().from(webhookOutbox).orderBy(webhookOutbox.seq).limit(limit).for("update", { skipLocked: true });
}

export async function deleteOutbox(tx: Tx, seqs: number[]): Promise<void> {
  if (seqs.length) await tx.delete(webhookOutbox).where(inArray(webhookOutbox.seq, seqs));
}

/** A click as a webhook shows it: the raw row's public columns (never the visitor hash) and its link's. */
export type WebhookClickRow = Pick<
  ClickRow,
  | "id" | "linkId" | "ts" | "kind" | "country" | "region" | "city" | "device" | "browser" | "os"
  | "referrerHost" | "utmSource" | "utmMedium" | "utmCampaign"
> & { slug: string | null; domain: string | null; destination: string | null };

/**
 * The clicks of `ids` with their link's slug and domain (null when the link is gone by now). The destination
 * is the URL routing chose for the visit; clicks captured before routing existed kept none, and theirs is
 * the link's URL.
 */
export async function selectWebhookClicks(tx: Tx, ids: string[]): Promise<WebhookClickRow[]> {
  if (!ids.length) return [];
  return tx
    .select({
      id: clicks.id, linkId: clicks.linkId, ts: clicks.ts, kind: clicks.kind,
      country: clicks.country, region: clicks.region, city: clicks.city,
      device: clicks.device, browser: clicks.browser, os: clicks.os, referrerHost: clicks.referrerHost,
      utmSource: clicks.utmSource, utmMedium: clicks.utmMedium, utmCampaign: clicks.utmCampaign,
      slug: links.slug, domain: links.domain,
      destination: sql<string | null>`coalesce(${clicks.chosenUrl}, ${links.url})`,
    })
    .from(clicks)
    .leftJoin(links, eq(links.id, clicks.linkId))
    .where(inArray(clicks.id, ids))
    .orderBy(clicks.ts, clicks.id);
}
