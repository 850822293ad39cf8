import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { linkCondition } from "../../../db/queries/links.ts";
import type { AppEnv } from "../../shared/app-env.ts";
import { linkScopeOf } from "../domains/resolve.ts";
import { shlinkSecured } from "./auth.ts";
import { requireDomain } from "./lookup.ts";
import { SHLINK_TAG, shlinkJson, shlinkProblems } from "./route-docs.ts";
import { VisitsList, VisitsQuery } from "./schemas.ts";
import { visitsPage } from "./visits-page.ts";

export const shlinkNonOrphanVisitsRoute = createRoute({
  method: "get",
  path: "/rest/v3/visits/non-orphan",
  tags: [SHLINK_TAG],
  summary: "Raw visits of every short URL the key sees, newest first",
  ...shlinkSecured("analytics:read"),
  request: { query: VisitsQuery },
  responses: { 200: shlinkJson(VisitsList, "A page of visits"), ...shlinkProblems(400, 404) },
});

export function registerShlinkNonOrphanVisits(app: OpenAPIHono<AppEnv>) {
  app.openapi(shlinkNonOrphanVisitsRoute, async (c) => {
    const q = c.req.valid("query");
    const domain = q.domain === undefined ? undefined : await requireDomain(c, q.domain);
    return c.json(await visitsPage(c, linkCondition(domain, null, linkScopeOf(c.var.principal)), q), 200);
  });
}
