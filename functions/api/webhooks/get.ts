import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { selectEndpoint } from "../../../db/queries/webhook-endpoints.ts";
import type { AppEnv } from "../../shared/app-env.ts";
import { ApiError } from "../../shared/errors.ts";
import { json, problems, secured } from "../openapi.ts";
import { makersOf } from "../created-by.ts";
import { toWebhook } from "./present.ts";
import { Webhook, WebhookParams } from "./schemas.ts";

export const getWebhookRoute = createRoute({
  method: "get",
  path: "/api/v1/webhooks/{id}",
  tags: ["webhooks"],
  summary: "One webhook endpoint (never its secret)",
  ...secured("admin"),
  request: { params: WebhookParams },
  responses: { 200: json(Webhook, "The endpoint"), ...problems(400, 404) },
});

export const noWebhook = (id: string) => new ApiError(404, `No webhook has the id "${id}".`);

export function registerGetWebhook(app: OpenAPIHono<AppEnv>) {
  app.openapi(getWebhookRoute, async (c) => {
    const { id } = c.req.valid("param");
    const row = await selectEndpoint(c.var.db(), id);
    if (!row) throw noWebhook(id);
    return c.json(toWebhook(row, (await makersOf(c, [row.createdBy]))[0]), 200);
  });
}
