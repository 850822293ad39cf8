/**
 * Outbox to deliveries. In ONE transaction: lock the oldest outbox rows no other dispatcher holds, make
 * each endpoint's deliveries of them (link events one each; clicks in deliveries of at most 100, each click
 * in exactly one per endpoint, only the endpoint's links when it names some), delete those rows. A crash
 * anywhere rolls it all back and the rows are dispatched again; there is no step where an event is in
 * neither place, nor in both.
 */
import type { Db } from "../../db/client.ts";
import { insertDeliveries, type NewDelivery } from "../../db/queries/webhook-deliveries.ts";
import { enabledEndpoints } from "../../db/queries/webhook-endpoints.ts";
import { deleteOutbox, lockOutbox, selectWebhookClicks } from "../../db/queries/webhook-outbox.ts";
import type { WebhookEndpointRow } from "../../db/schema.ts";
import { randomBase62 } from "../shared/crypto.ts";
import { creatorsOf } from "../../db/queries/creators.ts";
import { body, clickPayload, CLICKS_PER_DELIVERY, linkPayload, reportPayload, type EventType } from "./payloads.ts";

/** Outbox rows one transaction takes: 10 deliveries of 100 clicks per endpoint at most. */
const OUTBOX_BATCH = 1000;

/** A webhook-id: the Standard Webhooks `msg_` prefix and 24 base62 characters. */
export const newDeliveryId = () => `msg_${randomBase62(24)}`;

const wants = (e: WebhookEndpointRow, type: string, linkId: string | null) =>
  e.events.includes(type) && (!e.linkIds || (linkId !== null && e.linkIds.includes(linkId)));

export function newDelivery(endpointId: string, type: EventType, text: string, retryForMs: number, clickCount = 0): NewDelivery {
  return { id: newDeliveryId(), endpointId, type, body: text, clickCount, giveUpAt: new Date(Date.now() + retryForMs) };
}

/** One transaction's worth; returns how many outbox rows it took (fewer than OUTBOX_BATCH: the outbox is empty). */
export async function dispatchOnce(db: Db, opts: { base: string; retryForMs: number }): Promise<{ events: number; deliveries: number }> {
  return db.transaction(async (tx) => {
    const rows = await lockOutbox(tx, OUTBOX_BATCH);
    if (!rows.length) return { events: 0, deliveries: 0 };
    const endpoints = await enabledEndpoints(tx);
    const out: NewDelivery[] = [];
    const clickIds: string[] = [];
    const creators = await creatorsOf(tx, rows.map((r) => (r.type === "clicks" ? null : ((r.row as { created_by?: string | null }).created_by ?? null))));
    for (const r of rows) {
      if (r.type === "clicks") {
        if (r.clickId) clickIds.push(r.clickId);
        continue;
      }
      const json = r.row as Record<string, unknown>;
      const data = r.type === "report.created" ? reportPayload(json) : linkPayload(json, opts.base, creators);
      const text = body(r.type as EventType, r.createdAt, data);
      for (const e of endpoints) if (wants(e, r.type, r.linkId)) out.push(newDelivery(e.id, r.type as EventType, text, opts.retryForMs));
    }
    const clicks = (await selectWebhookClicks(tx, clickIds)).map(clickPayload);
    const now = new Date();
    for (const e of endpoints) {
      const mine = clicks.filter((c) => wants(e, "clicks", c.linkId));
      for (let i = 0; i < mine.length; i += CLICKS_PER_DELIVERY) {
        const part = mine.slice(i, i + CLICKS_PER_DELIVERY);
        out.push(newDelivery(e.id, "clicks", body("clicks", now, { clicks: part }), opts.retryForMs, part.length));
      }
    }
    await insertDeliveries(tx, out);
    await deleteOutbox(tx, rows.map((r) => r.seq));
    return { events: rows.length, deliveries: out.length };
  });
}

/** Dispatches until the outbox is empty or `until` (epoch ms) has passed. */
export async function dispatchAll(db: Db, opts: { base: string; retryForMs: number; until: number }): Promise<{ events: number; deliveries: number }> {
  const total = { events: 0, deliveries: 0 };
  for (;;) {
    const r = await dispatchOnce(db, opts);
    total.events += r.events;
    total.deliveries += r.deliveries;
    if (r.events < OUTBOX_BATCH || Date.now() >= opts.until) return total;
  }
}
