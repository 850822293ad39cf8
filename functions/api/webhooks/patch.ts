import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { type NewEndpoint, updateEndpoint } from "../../../db/queries/webhook-endpoints.ts";
import type { AppEnv } from "../../shared/app-env.ts";
import { json, jsonBody, limitBody, problems, secured } from "../openapi.ts";
import { checkDestination, MAX_WEBHOOK_BODY_BYTES } from "./create.ts";
import { noWebhook } from "./get.ts";
import { makersOf } from "../created-by.ts";
import { toWebhook } from "./present.ts";
import { PatchWebhookInput, Webhook, WebhookParams } from "./schemas.ts";

export const patchWebhookRoute = createRoute({
  method: "patch",
  path: "/api/v1/webhooks/{id}",
  tags: ["webhooks"],
  summary: "Change a webhook endpoint: URL, events, links, enabled",
  description: "Enabling an endpoint clears why it was disabled and its run of failures. `linkIds: null` means every link.",
  ...secured("admin", limitBody(MAX_WEBHOOK_BODY_BYTES)),
  request: { params: WebhookParams, ...jsonBody(PatchWebhookInput) },
  responses: { 200: json(Webhook, "The endpoint as it is now"), ...problems(400, 404, 413, 415, 422) },
});

export function registerPatchWebhook(app: OpenAPIHono<AppEnv>) {
  app.openapi(patchWebhookRoute, async (c) => {
    const { id } = c.req.valid("param");
    const input = c.req.valid("json");
    if (input.url !== undefined) checkDestination(input.url, c.var.config.WEBHOOK_ALLOW_LOOPBACK);
    const values: Partial<NewEndpoint> = {};
    if (input.url !== undefined) values.url = new URL(input.url).href;
    if (input.events !== undefined) values.events = [...new Set(input.events)];
    if (input.linkIds !== undefined) values.linkIds = input.linkIds ? [...new Set(input.linkIds)] : null;
    if (input.enabled !== undefined) {
      values.enabled = input.enabled;
      values.disabledReason = null;
      if (input.enabled) values.failingSince = null;
    }
    const row = await updateEndpoint(c.var.db(), id, values, { actor: c.var.principal ?? null, action: "webhook.updated" });
    if (!row) throw noWebhook(id);
    return c.json(toWebhook(row, (await makersOf(c, [row.createdBy]))[0]), 200);
  });
}
