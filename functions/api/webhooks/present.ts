/** Endpoint and delivery rows as the API shows them (never a secret). */
import type { WebhookEndpointRow } from "../../../db/schema.ts";
import type { listDeliveries } from "../../../db/queries/webhook-deliveries.ts";
import type { CreatedBy } from "../created-by.ts";
import type { Delivery, Webhook } from "./schemas.ts";

export function toWebhook(r: WebhookEndpointRow, createdBy: CreatedBy, now = Date.now()): Webhook {
  const until = r.previousSecret && r.previousSecretUntil && r.previousSecretUntil.getTime() > now ? r.previousSecretUntil : null;
  return {
    id: r.id,
    url: r.url,
    events: r.events as Webhook["events"],
    linkIds: r.linkIds,
    enabled: r.enabled,
    disabledReason: r.enabled ? null : (r.disabledReason as Webhook["disabledReason"]),
    failingSince: r.failingSince?.toISOString() ?? null,
    previousSecretValidUntil: until?.toISOString() ?? null,
    createdBy,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}

type DeliveryRow = Awaited<ReturnType<typeof listDeliveries>>["rows"][number];

export function toDelivery(d: DeliveryRow): Delivery {
  const open = d.status === "pending";
  return {
    id: d.id,
    type: d.type,
    status: d.status as Delivery["status"],
    attempts: d.attempts,
    clickCount: d.clickCount,
    lastStatus: d.lastStatus,
    lastError: d.lastError,
    nextAttemptAt: open ? d.nextAttemptAt.toISOString() : null,
    deliveredAt: d.deliveredAt?.toISOString() ?? null,
    createdAt: d.createdAt.toISOString(),
  };
}
