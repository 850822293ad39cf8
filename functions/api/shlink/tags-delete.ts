import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { removeTags } from "../../../db/queries/tags.ts";
import type { AppEnv } from "../../shared/app-env.ts";
import { shlinkSecured } from "./auth.ts";
import { SHLINK_TAG, shlinkProblems } from "./route-docs.ts";
import { PgText } from "./schemas.ts";
import { requireUnrestricted } from "../tags/guard.ts";
import { forbiddenTagOperation } from "./errors.ts";

export const shlinkDeleteTagsRoute = createRoute({
  method: "delete",
  path: "/rest/v3/tags",
  tags: [SHLINK_TAG],
  summary: "Take tags off every short URL (keys without restrictions only)",
  ...shlinkSecured("links:write"),
  request: {
    query: z.object({
      "tags[]": z
        .union([PgText(200), z.array(PgText(200)).max(100)])
        .transform((v) => (Array.isArray(v) ? v : [v]))
        .openapi({ type: "array", items: { type: "string" } }),
    }),
  },
  responses: { 204: { description: "Deleted" }, ...shlinkProblems(400) },
});

export function registerShlinkDeleteTags(app: OpenAPIHono<AppEnv>) {
  app.openapi(shlinkDeleteTagsRoute, async (c) => {
    requireUnrestricted(c.var.principal, "delete", forbiddenTagOperation);
    await removeTags(c.var.db(), c.req.valid("query")["tags[]"], { actor: c.var.principal ?? null, action: "tag.deleted" });
    return c.body(null, 204);
  });
}
