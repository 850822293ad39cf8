import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { requeueDelivery, selectDelivery } from "../../../db/queries/webhook-deliveries.ts";
import type { AppEnv } from "../../shared/app-env.ts";
import { ApiError } from "../../shared/errors.ts";
import { publicBaseUrl } from "../../shared/public-base-url.ts";
import { kickWebhooks } from "../../webhooks/kick.ts";
import { webhookSettings } from "../../webhooks/settings.ts";
import { json, problems, secured } from "../openapi.ts";
import { DeliveryParams } from "./schemas.ts";

export const RetryQueued = z.object({ deliveryId: z.string() }).openapi("WebhookRetryQueued");

export const retryDeliveryRoute = createRoute({
  method: "post",
  path: "/api/v1/webhooks/{id}/deliveries/{deliveryId}/retry",
  tags: ["webhooks"],
  summary: "Attempt a delivery again now (same webhook-id), retried for another day if it fails",
  ...secured("admin"),
  request: { params: DeliveryParams },
  responses: { 202: json(RetryQueued, "Due now; attempted right after this answer"), ...problems(400, 404, 409) },
});

export function registerRetryDelivery(app: OpenAPIHono<AppEnv>) {
  app.openapi(retryDeliveryRoute, async (c) => {
    const { id, deliveryId } = c.req.valid("param");
    publicBaseUrl(c.var.config); // a delivery run needs it: say so now rather than in the log
    const db = c.var.db();
    const found = await selectDelivery(db, id, deliveryId);
    if (!found) throw new ApiError(404, `The webhook "${id}" has no delivery "${deliveryId}".`);
    if (!found.endpoint.enabled) throw new ApiError(409, "The webhook is disabled: enable it before retrying its deliveries.");
    await requeueDelivery(db, deliveryId, webhookSettings(c.var.config).retryForMs);
    kickWebhooks(c);
    return c.json({ deliveryId }, 202);
  });
}
