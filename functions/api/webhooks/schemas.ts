import { z } from "@hono/zod-openapi";
import { CreatedBy } from "../created-by.ts";
import { EVENT_TYPES } from "../../webhooks/payloads.ts";
import { isWellFormed, NOT_WELL_FORMED } from "../../shared/validation.ts";

export const EventTypeSchema = z.enum(EVENT_TYPES).openapi("WebhookEventType");

const noControl = (s: string) => !/\p{Cc}/u.test(s);
const NO_CONTROL = "must not contain control characters";

const Url = z
  .string()
  .max(2048)
  .refine(isWellFormed, NOT_WELL_FORMED)
  .refine(noControl, NO_CONTROL)
  .openapi({ description: "https on a public host (http://127.0.0.1 and localhost too when WEBHOOK_ALLOW_LOOPBACK is on)", example: "https://hooks.example.com/eatmyurl" });
const Events = z.array(EventTypeSchema).min(1).max(EVENT_TYPES.length * 4).openapi({ description: "Duplicates are dropped; `ping` is always delivered" });
const LinkIds = z
  .array(z.string().min(1).max(64).refine(isWellFormed, NOT_WELL_FORMED).refine(noControl, NO_CONTROL))
  .min(1)
  .max(1000)
  .nullable()
  .openapi({ description: "Only events of these links (ids); null or absent: every link" });

export const CreateWebhookInput = z.strictObject({ url: Url, events: Events, linkIds: LinkIds.optional() }).openapi("CreateWebhookInput");
export type CreateWebhookInput = z.infer<typeof CreateWebhookInput>;

export const PatchWebhookInput = z
  .strictObject({ url: Url.optional(), events: Events.optional(), enabled: z.boolean().optional(), linkIds: LinkIds.optional() })
  .openapi("PatchWebhookInput");

export const Webhook = z
  .object({
    id: z.string(),
    url: z.string(),
    events: z.array(EventTypeSchema),
    linkIds: z.array(z.string()).nullable(),
    enabled: z.boolean(),
    disabledReason: z.enum(["gone", "failing"]).nullable().openapi({
      description: "Why the service disabled it: `gone` (the receiver answered 410), `failing` (it failed for about a day)",
    }),
    failingSince: z.string().nullable().openapi({ description: "Start of the current run of failed attempts" }),
    previousSecretValidUntil: z.string().nullable().openapi({ description: "After a rotation: until when the old secret still signs too" }),
    createdBy: CreatedBy,
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("Webhook");
export type Webhook = z.infer<typeof Webhook>;

export const CreatedWebhook = Webhook.extend({
  secret: z.string().openapi({ description: "The signing secret (whsec_...): shown this once", example: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" }),
}).openapi("CreatedWebhook");

export const RotatedSecret = z
  .object({ secret: z.string(), previousSecretValidUntil: z.string() })
  .openapi("RotatedWebhookSecret");

export const WebhookList = z.object({ data: z.array(Webhook) }).openapi("WebhookList");

export const deliveryStatuses = ["pending", "sending", "queued", "succeeded", "failed"] as const;

export const Delivery = z
  .object({
    id: z.string().openapi({ description: "The webhook-id header: the same on every attempt" }),
    type: z.string(),
    status: z.enum(deliveryStatuses).openapi({ description: "pending (an attempt is due), sending (an attempt is in flight), queued (with QStash), succeeded, failed (given up)" }),
    attempts: z.number().int(),
    clickCount: z.number().int(),
    lastStatus: z.number().int().nullable().openapi({ description: "HTTP status of a successful attempt, or 410 (the endpoint is gone); null for every other failure" }),
    lastError: z.string().nullable().openapi({
      description: "Why it failed: `unreachable` for every failed attempt but a 410 (`gone`), whatever went wrong; `endpoint disabled (gone|failing)` when it was given up with its endpoint",
    }),
    nextAttemptAt: z.string().nullable(),
    deliveredAt: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi("WebhookDelivery");
export type Delivery = z.infer<typeof Delivery>;

export const DeliveryPage = z.object({ data: z.array(Delivery), nextCursor: z.string().nullable() }).openapi("WebhookDeliveryPage");

export const WebhookParams = z.object({ id: z.uuid().openapi({ param: { name: "id", in: "path" } }) });
const DeliveryId = () => z.string().regex(/^msg_[A-Za-z0-9]{24}$/, "is not a delivery id");
export const DeliveryParams = WebhookParams.extend({
  deliveryId: DeliveryId().openapi({ param: { name: "deliveryId", in: "path" } }),
});

export const DeliveriesQuery = z.strictObject({
  status: z.enum(deliveryStatuses).optional(),
  cursor: z.string().max(500).optional().openapi({ description: "nextCursor of the previous page (same status)" }),
  limit: z.coerce.number().int().min(1).max(100).default(50).openapi({ type: "integer", description: "Page size, 1 to 100" }),
});

/** What QStash posts to a callback: the destination's answer and how many retries were made. */
export const QStashCallbackBody = z.looseObject({
  // Bounded: the status lands in a smallint column (a fuzzed -2147483649 reached Postgres as a 500).
  status: z.number().int().min(0).max(999).optional(),
  retried: z.number().int().min(0).max(1_000_000).optional(),
  maxRetries: z.number().int().min(0).max(1_000_000).optional(),
  body: z.string().optional(),
  error: z.string().optional(),
});
export const QStashCallbackQuery = z.strictObject({
  delivery: DeliveryId(),
  outcome: z.enum(["success", "failure"]),
});
