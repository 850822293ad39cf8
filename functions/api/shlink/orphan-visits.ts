import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../shared/app-env.ts";
import { shlinkSecured } from "./auth.ts";
import { pagination } from "./present.ts";
import { SHLINK_TAG, shlinkJson, shlinkProblems } from "./route-docs.ts";
import { VisitsList, VisitsQuery } from "./schemas.ts";

export const shlinkOrphanVisitsRoute = createRoute({
  method: "get",
  path: "/rest/v3/visits/orphan",
  tags: [SHLINK_TAG],
  summary: "Visits of no short URL (roots, unknown slugs): not recorded here, so always an empty list",
  description: "Unknown slugs and domain roots are answered without recording a click (docs/shlink.md).",
  ...shlinkSecured("analytics:read"),
  request: { query: VisitsQuery.extend({ type: z.enum(["base_url", "invalid_short_url", "regular_404"]).optional() }) },
  responses: { 200: shlinkJson(VisitsList, "An empty page"), ...shlinkProblems(400) },
});

export function registerShlinkOrphanVisits(app: OpenAPIHono<AppEnv>) {
  app.openapi(shlinkOrphanVisitsRoute, (c) => {
    const q = c.req.valid("query");
    const perPage = q.itemsPerPage === undefined || q.itemsPerPage === -1 ? null : q.itemsPerPage;
    return c.json({ visits: { data: [], pagination: pagination(q.page, perPage, 0, 0) } }, 200);
  });
}
