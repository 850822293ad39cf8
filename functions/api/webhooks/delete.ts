import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { deleteEndpoint } from "../../../db/queries/webhook-endpoints.ts";
import type { AppEnv } from "../../shared/app-env.ts";
import { problems, rateLimitHeaderDocs, secured } from "../openapi.ts";
import { noWebhook } from "./get.ts";
import { WebhookParams } from "./schemas.ts";

export const deleteWebhookRoute = createRoute({
  method: "delete",
  path: "/api/v1/webhooks/{id}",
  tags: ["webhooks"],
  summary: "Remove a webhook endpoint and its delivery log",
  ...secured("admin"),
  request: { params: WebhookParams },
  responses: { 204: { description: "Deleted", headers: rateLimitHeaderDocs }, ...problems(400, 404) },
});

export function registerDeleteWebhook(app: OpenAPIHono<AppEnv>) {
  app.openapi(deleteWebhookRoute, async (c) => {
    const { id } = c.req.valid("param");
    if (!(await deleteEndpoint(c.var.db(), id, { actor: c.var.principal ?? null, action: "webhook.deleted" }))) throw noWebhook(id);
    return c.body(null, 204);
  });
}
