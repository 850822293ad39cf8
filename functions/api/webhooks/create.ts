import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { creatorId, madeByCaller } from "../created-by.ts";
import { insertEndpoint } from "../../../db/queries/webhook-endpoints.ts";
import type { AppEnv } from "../../shared/app-env.ts";
import { ApiError } from "../../shared/errors.ts";
import { publicBaseUrl } from "../../shared/public-base-url.ts";
import { destinationProblem } from "../../webhooks/destination.ts";
import type { Loopback } from "../../webhooks/settings.ts";
import { newSecret, sealSecret } from "../../webhooks/signing.ts";
import { json, jsonBody, limitBody, problems, secured } from "../openapi.ts";
import { toWebhook } from "./present.ts";
import { CreatedWebhook, CreateWebhookInput } from "./schemas.ts";

/** A body of 1,000 link ids fits well within this. */
export const MAX_WEBHOOK_BODY_BYTES = 128 * 1024;

export const createWebhookRoute = createRoute({
  method: "post",
  path: "/api/v1/webhooks",
  tags: ["webhooks"],
  summary: "Add a webhook endpoint (its secret is shown once)",
  description: "Signed as Standard Webhooks; see docs/webhooks.md for the events, payloads and how to verify them.",
  ...secured("admin", limitBody(MAX_WEBHOOK_BODY_BYTES)),
  request: jsonBody(CreateWebhookInput),
  responses: {
    201: json(CreatedWebhook, "The endpoint, with its secret: store it now, it cannot be shown again"),
    ...problems(400, 413, 415, 422),
  },
});

/** 422 when the URL may not receive webhooks (functions/webhooks/destination.ts). */
export function checkDestination(url: string, allowLoopback: Loopback): void {
  const refused = destinationProblem(url, allowLoopback);
  if (refused) throw new ApiError(422, `The webhook URL ${refused}.`, { errors: [{ path: "url", message: refused }] });
}

export function registerCreateWebhook(app: OpenAPIHono<AppEnv>) {
  app.openapi(createWebhookRoute, async (c) => {
    const input = c.req.valid("json");
    const config = c.var.config;
    checkDestination(input.url, config.WEBHOOK_ALLOW_LOOPBACK);
    publicBaseUrl(config); // what is sent to it is built from PUBLIC_BASE_URL: nothing could be, without it
    const id = crypto.randomUUID();
    const secret = newSecret();
    const row = await insertEndpoint(c.var.db(), {
      id,
      url: new URL(input.url).href, // canonical: what is shown is what is called
      events: [...new Set(input.events)],
      linkIds: input.linkIds ? [...new Set(input.linkIds)] : null,
      secret: await sealSecret(config, id, secret),
      createdBy: creatorId(c.var.principal),
    }, { actor: c.var.principal ?? null, action: "webhook.created" });
    c.header("cache-control", "no-store");
    return c.json({ ...toWebhook(row, madeByCaller(c)), secret }, 201);
  });
}
