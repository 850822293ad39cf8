import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { deleteLink } from "../../../db/queries/links.ts";
import type { AppEnv } from "../../shared/app-env.ts";
import { ApiError } from "../../shared/errors.ts";
import { problems, rateLimitHeaders, secured } from "../openapi.ts";
import { syncLinkCache } from "./cache-sync.ts";
import { SlugParams } from "./schemas.ts";

export const deleteLinkRoute = createRoute({
  method: "delete",
  path: "/api/v1/links/{slug}",
  tags: ["links"],
  summary: "Delete a link; the next redirect answers 404",
  ...secured("links:write"),
  request: { params: SlugParams },
  responses: {
    204: { description: "Deleted", headers: rateLimitHeaders },
    ...problems(400, 404),
  },
});

export function registerDeleteLink(app: OpenAPIHono<AppEnv>) {
  app.openapi(deleteLinkRoute, async (c) => {
    const { slug } = c.req.valid("param");
    const row = await deleteLink(c.var.db(), slug);
    if (!row) throw new ApiError(404, `No link has the slug "${slug}".`);
    await syncLinkCache(c, [], [slug]);
    return c.body(null, 204);
  });
}
