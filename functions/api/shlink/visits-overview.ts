import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { selectTotalsOver, NO_VISITS } from "../../../db/queries/visit-totals.ts";
import type { AppEnv } from "../../shared/app-env.ts";
import { linkScopeOf } from "../domains/resolve.ts";
import { shlinkSecured } from "./auth.ts";
import { SHLINK_TAG, shlinkJson, shlinkProblems } from "./route-docs.ts";
import { VisitsSummary } from "./schemas.ts";

export const shlinkVisitsOverviewRoute = createRoute({
  method: "get",
  path: "/rest/v3/visits",
  tags: [SHLINK_TAG],
  summary: "All-time visits of the short URLs the key sees (from the rollups); orphan visits are never recorded",
  ...shlinkSecured("analytics:read"),
  responses: {
    200: shlinkJson(z.object({ visits: z.object({ nonOrphanVisits: VisitsSummary, orphanVisits: VisitsSummary }) }), "Totals"),
    ...shlinkProblems(),
  },
});

export function registerShlinkVisitsOverview(app: OpenAPIHono<AppEnv>) {
  app.openapi(shlinkVisitsOverviewRoute, async (c) => {
    const totals = await selectTotalsOver(c.var.db(), linkScopeOf(c.var.principal));
    return c.json({ visits: { nonOrphanVisits: totals, orphanVisits: { ...NO_VISITS } } }, 200);
  });
}
