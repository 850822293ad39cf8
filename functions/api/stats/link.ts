import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { Csv, Stats, StatsQuery } from "../../analytics/schema.ts";
import { serveStats } from "../../analytics/serve-stats.ts";
import type { AppEnv } from "../../shared/app-env.ts";
import { LinkSlugParams } from "../links/schemas.ts";
import { problems, secured } from "../openapi.ts";

export const linkStatsRoute = createRoute({
  method: "get",
  path: "/api/v1/links/{slug}/stats",
  tags: ["analytics"],
  summary: "Clicks of one link over a range: totals, time series, top values, live counter",
  description: "Scope `analytics:read`. Served from the rollups; see docs/analytics.md for how ranges and zones are bucketed.",
  ...secured("analytics:read"),
  // The slug rules of the other /links/{slug} routes: a malformed one (a NUL, say) names no link and never reaches Postgres.
  request: { params: LinkSlugParams, query: StatsQuery },
  responses: {
    200: {
      description: "The stats",
      content: { "application/json": { schema: Stats }, "text/csv": { schema: Csv } },
    },
    ...problems(400, 404),
  },
});

export function registerLinkStats(app: OpenAPIHono<AppEnv>) {
  app.openapi(linkStatsRoute, (c) => serveStats(c, c.req.valid("param").slug, c.req.valid("query")));
}
