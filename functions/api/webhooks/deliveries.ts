import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { listDeliveries } from "../../../db/queries/webhook-deliveries.ts";
import { selectEndpoint } from "../../../db/queries/webhook-endpoints.ts";
import type { AppEnv } from "../../shared/app-env.ts";
import { ApiError } from "../../shared/errors.ts";
import { decodeCursor, encodeCursor } from "../links/cursor.ts";
import { json, problems, secured } from "../openapi.ts";
import { noWebhook } from "./get.ts";
import { toDelivery } from "./present.ts";
import { DeliveriesQuery, DeliveryPage, WebhookParams } from "./schemas.ts";

export const listDeliveriesRoute = createRoute({
  method: "get",
  path: "/api/v1/webhooks/{id}/deliveries",
  tags: ["webhooks"],
  summary: "An endpoint's delivery log, newest first: status, attempts, last error",
  ...secured("admin"),
  request: { params: WebhookParams, query: DeliveriesQuery },
  responses: { 200: json(DeliveryPage, "A page of deliveries"), ...problems(400, 404) },
});

/** What a cursor is bound to (the list cursors' signing, functions/api/links/cursor.ts): this endpoint and status. */
const filters = (id: string, status?: string) => ({ q: `webhook-deliveries:${id}`, tag: status });

export function registerListDeliveries(app: OpenAPIHono<AppEnv>) {
  app.openapi(listDeliveriesRoute, async (c) => {
    const { id } = c.req.valid("param");
    const { status, cursor, limit } = c.req.valid("query");
    const config = c.var.config;
    const after = cursor === undefined ? undefined : await decodeCursor(config, cursor, filters(id, status));
    if (after === null) {
      throw new ApiError(400, "The cursor is not one this API issued.", {
        errors: [{ path: "cursor", message: "is not a valid cursor: pass nextCursor from a previous page, with the same status" }],
      });
    }
    const db = c.var.db();
    if (!(await selectEndpoint(db, id))) throw noWebhook(id);
    const { rows, next } = await listDeliveries(db, { endpointId: id, status, limit, after });
    return c.json({ data: rows.map(toDelivery), nextCursor: next ? await encodeCursor(config, next, filters(id, status)) : null }, 200);
  });
}
