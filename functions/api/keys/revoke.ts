import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { revokeApiKey } from "../../../db/queries/api-keys.ts";
import type { AppEnv } from "../../shared/app-env.ts";
import { ApiError } from "../../shared/errors.ts";
import { problems, rateLimitHeaderDocs, secured } from "../openapi.ts";
import { KeyParams } from "./schemas.ts";

export const revokeKeyRoute = createRoute({
  method: "delete",
  path: "/api/v1/keys/{id}",
  tags: ["keys"],
  summary: "Revoke an API key; it stops working with the next request",
  ...secured("admin"),
  request: { params: KeyParams },
  responses: {
    204: { description: "Revoked", headers: rateLimitHeaderDocs },
    ...problems(400, 404),
  },
});

export function registerRevokeKey(app: OpenAPIHono<AppEnv>) {
  app.openapi(revokeKeyRoute, async (c) => {
    const { id } = c.req.valid("param");
    // Authentication reads the key from Postgres on every request (no cache), so this takes effect at once.
    if (!(await revokeApiKey(c.var.db(), id, { actor: c.var.principal ?? null, action: "key.revoked" }))) throw new ApiError(404, `No active API key has the id "${id}".`);
    return c.body(null, 204);
  });
}
