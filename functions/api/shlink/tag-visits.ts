import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { and, arrayContains } from "drizzle-orm";
import { linkCondition } from "../../../db/queries/links.ts";
import { tagInUse } from "../../../db/queries/tags.ts";
import { links } from "../../../db/schema.ts";
import type { AppEnv } from "../../shared/app-env.ts";
import { linkScopeOf } from "../domains/resolve.ts";
import { shlinkSecured } from "./auth.ts";
import { tagNotFound } from "./errors.ts";
import { requireDomain } from "./lookup.ts";
import { SHLINK_TAG, shlinkJson, shlinkProblems } from "./route-docs.ts";
import { PgText, VisitsList, VisitsQuery } from "./schemas.ts";
import { visitsPage } from "./visits-page.ts";

export const shlinkTagVisitsRoute = createRoute({
  method: "get",
  path: "/rest/v3/tags/{tag}/visits",
  tags: [SHLINK_TAG],
  summary: "Raw visits of the short URLs carrying a tag, newest first",
  ...shlinkSecured("analytics:read"),
  request: { params: z.object({ tag: PgText(200).openapi({ param: { name: "tag", in: "path" } }) }), query: VisitsQuery },
  responses: { 200: shlinkJson(VisitsList, "A page of visits"), ...shlinkProblems(400, 404) },
});

export function registerShlinkTagVisits(app: OpenAPIHono<AppEnv>) {
  app.openapi(shlinkTagVisitsRoute, async (c) => {
    const { tag } = c.req.valid("param");
    const q = c.req.valid("query");
    const scope = linkScopeOf(c.var.principal);
    if (!(await tagInUse(c.var.db(), tag, scope))) throw tagNotFound(tag);
    const domain = q.domain === undefined ? undefined : await requireDomain(c, q.domain);
    return c.json(await visitsPage(c, and(arrayContains(links.tags, [tag]), linkCondition(domain, null, scope)), q), 200);
  });
}
