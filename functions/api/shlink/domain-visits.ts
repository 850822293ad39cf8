import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { linkCondition } from "../../../db/queries/links.ts";
import type { AppEnv } from "../../shared/app-env.ts";
import { HostnameRef } from "../../shared/hostnames.ts";
import { linkScopeOf } from "../domains/resolve.ts";
import { shlinkSecured } from "./auth.ts";
import { requireDomain } from "./lookup.ts";
import { SHLINK_TAG, shlinkJson, shlinkProblems } from "./route-docs.ts";
import { VisitsList, VisitsQuery } from "./schemas.ts";
import { visitsPage } from "./visits-page.ts";

export const shlinkDomainVisitsRoute = createRoute({
  method: "get",
  path: "/rest/v3/domains/{domain}/visits",
  tags: [SHLINK_TAG],
  summary: "Raw visits of the short URLs on a domain (DEFAULT: the default domain), newest first",
  ...shlinkSecured("analytics:read"),
  request: { params: z.object({ domain: HostnameRef.openapi({ param: { name: "domain", in: "path" } }) }), query: VisitsQuery.omit({ domain: true }) },
  responses: { 200: shlinkJson(VisitsList, "A page of visits"), ...shlinkProblems(400, 404) },
});

export function registerShlinkDomainVisits(app: OpenAPIHono<AppEnv>) {
  app.openapi(shlinkDomainVisitsRoute, async (c) => {
    const domain = await requireDomain(c, c.req.valid("param").domain);
    return c.json(await visitsPage(c, linkCondition(domain, null, linkScopeOf(c.var.principal)), c.req.valid("query")), 200);
  });
}
