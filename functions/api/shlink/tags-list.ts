import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { selectTags } from "../../../db/queries/tags.ts";
import type { AppEnv } from "../../shared/app-env.ts";
import { linkScopeOf } from "../domains/resolve.ts";
import { shlinkSecured } from "./auth.ts";
import { pagination } from "./present.ts";
import { SHLINK_TAG, shlinkJson, shlinkProblems } from "./route-docs.ts";
import { Pagination, PgText } from "./schemas.ts";

export const shlinkListTagsRoute = createRoute({
  method: "get",
  path: "/rest/v3/tags",
  tags: [SHLINK_TAG],
  summary: "The tags of the short URLs the key sees, sorted",
  ...shlinkSecured("links:read"),
  request: { query: z.object({ searchTerm: PgText(200).optional() }) },
  responses: { 200: shlinkJson(z.object({ tags: z.object({ data: z.array(z.string()), pagination: Pagination }) }), "Tags"), ...shlinkProblems(400) },
});

export function registerShlinkListTags(app: OpenAPIHono<AppEnv>) {
  app.openapi(shlinkListTagsRoute, async (c) => {
    const term = c.req.valid("query").searchTerm?.toLowerCase();
    const tags = (await selectTags(c.var.db(), linkScopeOf(c.var.principal))).filter((t) => !term || t.toLowerCase().includes(term));
    return c.json({ tags: { data: tags, pagination: pagination(1, null, tags.length, tags.length) } }, 200);
  });
}
