import { sql } from "drizzle-orm";
import { bigserial, boolean, index, integer, jsonb, pgTable, smallint, text, timestamp } from "drizzle-orm/pg-core";
import { timestamps } from "./columns.ts";

/** A receiver of webhooks (functions/webhooks/; docs/webhooks.md). */
export const webhookEndpoints = pgTable("webhook_endpoints", {
  id: text("id").primaryKey(),
  url: text("url").notNull(),
  /** Event types it receives: link.created, link.updated, link.deleted, link.health, clicks (ping always). */
  events: text("events").array().notNull(),
  /** Only events of these links; null = every link. */
  linkIds: text("link_ids").array(),
  /** The signing secret (whsec_...), AES-GCM-sealed under a key derived from SESSION_SECRET (signing needs it). */
  secret: text("secret").notNull(),
  /** The secret before the last rotation, sealed the same way; still signs until previous_secret_until. */
  previousSecret: text("previous_secret"),
  previousSecretUntil: timestamp("previous_secret_until", { withTimezone: true }),
  enabled: boolean("enabled").notNull().default(true),
  /** Why it was disabled by the service: "gone" (a 410), "failing" (failed for a day); null = by a person or enabled. */
  disabledReason: text("disabled_reason"),
  /** Start of the current run of failed attempts; null after a success. */
  failingSince: timestamp("failing_since", { withTimezone: true }),
  /** Who made it: a user or key id (links.created_by's form); null for the admin key. */
  createdBy: text("created_by"),
  ...timestamps,
});

/**
 * Events written in the same transaction as their cause: a link write (a trigger on links, migration
 * 0008_webhooks.sql) or an ingest commit (one row per newly inserted click, functions/ingest/commit.ts).
 * The dispatcher (functions/webhooks/dispatch.ts) turns them into deliveries and deletes them, in one
 * transaction; rows are written only while some enabled endpoint subscribes to their type.
 */
export const webhookOutbox = pgTable("webhook_outbox", {
  seq: bigserial("seq", { mode: "number" }).primaryKey(),
  /** link.created, link.updated, link.deleted, link.health or clicks. */
  type: text("type").notNull(),
  linkId: text("link_id"),
  /** For clicks: the click's id (the row itself is read from clicks). */
  clickId: text("click_id"),
  /** For link events: the links row as it was written (to_jsonb, snake_case), the deleted one for link.deleted. */
  row: jsonb("row"),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

/** One event for one endpoint: its id is the `webhook-id`, fixed across every attempt. */
export const webhookDeliveries = pgTable(
  "webhook_deliveries",
  {
    id: text("id").primaryKey(),
    endpointId: text("endpoint_id").notNull().references(() => webhookEndpoints.id, { onDelete: "cascade" }),
    type: text("type").notNull(),
    /** The exact JSON body sent (text, not jsonb: the signature is over these bytes). */
    body: text("body").notNull(),
    /** Clicks carried, for a clicks event. */
    clickCount: integer("click_count").notNull().default(0),
    /**
     * pending (an attempt is due at next_attempt_at), sending (a run is attempting it; due again at
     * next_attempt_at if that run died), queued (handed to QStash; published again at next_attempt_at if no
     * callback came), succeeded, failed (given up).
     */
    status: text("status").notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }).notNull().defaultNow(),
    /** Retries stop after this (about a day after the event, or after a manual retry). */
    giveUpAt: timestamp("give_up_at", { withTimezone: true }).notNull(),
    /** HTTP status of the last attempt; null when it got no answer (refused, timed out). */
    lastStatus: smallint("last_status"),
    lastError: text("last_error"),
    deliveredAt: timestamp("delivered_at", { withTimezone: true }),
    ...timestamps,
  },
  (t) => [
    index("webhook_deliveries_due_idx").on(t.nextAttemptAt).where(sql`status in ('pending', 'sending', 'queued')`),
    index("webhook_deliveries_endpoint_idx").on(t.endpointId, t.createdAt.desc(), t.id.desc()),
  ],
);

export type WebhookEndpointRow = typeof webhookEndpoints.$inferSelect;
export type WebhookDeliveryRow = typeof webhookDeliveries.$inferSelect;
