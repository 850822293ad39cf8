import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { selectLinkBySlug } from "../../../db/queries/links.ts";
import type { AppEnv } from "../../shared/app-env.ts";
import { ApiError } from "../../shared/errors.ts";
import { linkScopeOf, resolveDomainRef } from "../domains/resolve.ts";
import { json, problems, secured } from "../openapi.ts";
import { presentLinks } from "./present.ts";
import { Link, LinkDomainQuery, LinkSlugParams } from "./schemas.ts";

export const getLinkRoute = createRoute({
  method: "get",
  path: "/api/v1/links/{slug}",
  tags: ["links"],
  summary: "One link, with its live human-click count",
  ...secured("links:read"),
  request: { params: LinkSlugParams, query: LinkDomainQuery },
  responses: {
    200: json(Link, "The link"),
    ...problems(400, 404),
  },
});

export function registerGetLink(app: OpenAPIHono<AppEnv>) {
  app.openapi(getLinkRoute, async (c) => {
    const { slug } = c.req.valid("param");
    const domain = await resolveDomainRef(c, c.req.valid("query").domain);
    // A link the key may not see is answered exactly as a missing one.
    const row = await selectLinkBySlug(c.var.db(), domain, slug, linkScopeOf(c.var.principal));
    if (!row) throw new ApiError(404, `No link has the slug "${slug}".`);
    const [link] = await presentLinks(c, [row]);
    return c.json(link, 200);
  });
}
