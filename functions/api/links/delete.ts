import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { deleteLink } from "../../../db/queries/links.ts";
import type { AppEnv } from "../../shared/app-env.ts";
import { ApiError } from "../../shared/errors.ts";
import { problems, rateLimitHeaderDocs, secured } from "../openapi.ts";
import { writeThrough } from "../../redirect/link-cache/index.ts";
import { linkScopeOf, resolveDomainRef } from "../domains/resolve.ts";
import { LinkDomainQuery, LinkSlugParams } from "./schemas.ts";

export const deleteLinkRoute = createRoute({
  method: "delete",
  path: "/api/v1/links/{slug}",
  tags: ["links"],
  summary: "Delete a link; the next redirect answers 404",
  ...secured("links:write"),
  request: { params: LinkSlugParams, query: LinkDomainQuery },
  responses: {
    204: { description: "Deleted", headers: rateLimitHeaderDocs },
    ...problems(400, 404),
  },
});

export function registerDeleteLink(app: OpenAPIHono<AppEnv>) {
  app.openapi(deleteLinkRoute, async (c) => {
    const { slug } = c.req.valid("param");
    const domain = await resolveDomainRef(c, c.req.valid("query").domain);
    const row = await deleteLink(c.var.db(), domain, slug, linkScopeOf(c.var.principal), { actor: c.var.principal ?? null, action: "link.deleted" });
    if (!row) throw new ApiError(404, `No link has the slug "${slug}".`);
    await writeThrough(c.var.redis, c.executionCtx, [], [{ slug, row }]);
    return c.body(null, 204);
  });
}
