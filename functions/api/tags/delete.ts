import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { removeTags } from "../../../db/queries/tags.ts";
import type { AppEnv } from "../../shared/app-env.ts";
import { problems, rateLimitHeaderDocs, secured } from "../openapi.ts";
import { requireUnrestricted } from "./guard.ts";
import { noTag } from "./not-found.ts";
import { TagParams } from "./schemas.ts";

export const deleteTagRoute = createRoute({
  method: "delete",
  path: "/api/v1/tags/{tag}",
  tags: ["tags"],
  summary: "Take a tag off every link that carries it (keys without restrictions only); the links stay",
  ...secured("links:write"),
  request: { params: TagParams },
  responses: {
    204: { description: "Removed from every link", headers: rateLimitHeaderDocs },
    ...problems(400, 404),
  },
});

export function registerDeleteTag(app: OpenAPIHono<AppEnv>) {
  app.openapi(deleteTagRoute, async (c) => {
    requireUnrestricted(c.var.principal, "delete");
    const { tag } = c.req.valid("param");
    if (!(await removeTags(c.var.db(), [tag], { actor: c.var.principal ?? null, action: "tag.deleted" }))) throw noTag(tag);
    return c.body(null, 204);
  });
}
