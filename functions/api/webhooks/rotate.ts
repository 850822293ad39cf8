import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { selectEndpoint, updateEndpoint } from "../../../db/queries/webhook-endpoints.ts";
import type { AppEnv } from "../../shared/app-env.ts";
import { newSecret, sealSecret } from "../../webhooks/signing.ts";
import { json, problems, secured } from "../openapi.ts";
import { noWebhook } from "./get.ts";
import { RotatedSecret, WebhookParams } from "./schemas.ts";

/** How long the old secret keeps signing after a rotation, beside the new one. */
export const ROTATION_OVERLAP_MS = 24 * 3600_000;

export const rotateSecretRoute = createRoute({
  method: "post",
  path: "/api/v1/webhooks/{id}/rotate-secret",
  tags: ["webhooks"],
  summary: "A new signing secret (shown once); the old one stays valid for 24 hours",
  description: "For 24 hours every delivery carries two signatures in webhook-signature, one per secret, so a receiver can switch at leisure.",
  ...secured("admin"),
  request: { params: WebhookParams },
  responses: { 200: json(RotatedSecret, "The new secret: store it now"), ...problems(400, 404) },
});

export function registerRotateSecret(app: OpenAPIHono<AppEnv>) {
  app.openapi(rotateSecretRoute, async (c) => {
    const { id } = c.req.valid("param");
    const db = c.var.db();
    const row = await selectEndpoint(db, id);
    if (!row) throw noWebhook(id);
    const secret = newSecret();
    const until = new Date(Date.now() + ROTATION_OVERLAP_MS);
    const updated = await updateEndpoint(db, id, {
      secret: await sealSecret(c.var.config, id, secret),
      previousSecret: row.secret,
      previousSecretUntil: until,
    }, { actor: c.var.principal ?? null, action: "webhook.secret_rotated" });
    if (!updated) throw noWebhook(id);
    c.header("cache-control", "no-store");
    return c.json({ secret, previousSecretValidUntil: until.toISOString() }, 200);
  });
}
