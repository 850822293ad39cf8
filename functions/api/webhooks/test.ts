import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { insertDeliveries } from "../../../db/queries/webhook-deliveries.ts";
import { selectEndpoint } from "../../../db/queries/webhook-endpoints.ts";
import type { AppEnv } from "../../shared/app-env.ts";
import { ApiError } from "../../shared/errors.ts";
import { publicBaseUrl } from "../../shared/public-base-url.ts";
import { newDelivery } from "../../webhooks/dispatch.ts";
import { kickWebhooks } from "../../webhooks/kick.ts";
import { body } from "../../webhooks/payloads.ts";
import { webhookSettings } from "../../webhooks/settings.ts";
import { json, problems, secured } from "../openapi.ts";
import { noWebhook } from "./get.ts";
import { WebhookParams } from "./schemas.ts";

export const TestSent = z.object({ deliveryId: z.string() }).openapi("WebhookTestSent");

export const testWebhookRoute = createRoute({
  method: "post",
  path: "/api/v1/webhooks/{id}/test",
  tags: ["webhooks"],
  summary: "Send a ping event to the endpoint",
  description: "Queued and attempted at once, after the answer; it shows in the delivery log like any other.",
  ...secured("admin"),
  request: { params: WebhookParams },
  responses: { 202: json(TestSent, "The ping is on its way"), ...problems(400, 404, 409) },
});

export function registerTestWebhook(app: OpenAPIHono<AppEnv>) {
  app.openapi(testWebhookRoute, async (c) => {
    const { id } = c.req.valid("param");
    publicBaseUrl(c.var.config); // a delivery run needs it: say so now rather than in the log
    const db = c.var.db();
    const endpoint = await selectEndpoint(db, id);
    if (!endpoint) throw noWebhook(id);
    if (!endpoint.enabled) throw new ApiError(409, "The webhook is disabled: enable it before sending a test.");
    const s = webhookSettings(c.var.config);
    const d = newDelivery(id, "ping", body("ping", new Date(), { webhookId: id }), s.retryForMs);
    await insertDeliveries(db, [d]);
    kickWebhooks(c);
    return c.json({ deliveryId: d.id }, 202);
  });
}
