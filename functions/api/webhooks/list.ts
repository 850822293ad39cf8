import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { listEndpoints } from "../../../db/queries/webhook-endpoints.ts";
import type { AppEnv } from "../../shared/app-env.ts";
import { json, problems, secured } from "../openapi.ts";
import { makersOf } from "../created-by.ts";
import { toWebhook } from "./present.ts";
import { WebhookList } from "./schemas.ts";

export const listWebhooksRoute = createRoute({
  method: "get",
  path: "/api/v1/webhooks",
  tags: ["webhooks"],
  summary: "Webhook endpoints, newest first (never their secrets)",
  ...secured("admin"),
  responses: { 200: json(WebhookList, "Every endpoint"), ...problems() },
});

export function registerListWebhooks(app: OpenAPIHono<AppEnv>) {
  app.openapi(listWebhooksRoute, async (c) => {
    const rows = await listEndpoints(c.var.db());
    const makers = await makersOf(c, rows.map((r) => r.createdBy));
    return c.json({ data: rows.map((r, i) => toWebhook(r, makers[i])) }, 200);
  });
}
