import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { Csv, Problem, Stats, StatsQuery } from "../analytics/schema.ts";
import { serveStats } from "../analytics/serve.ts";
import type { AppEnv } from "../shared/app-env.ts";
import { requireScope } from "../shared/auth.ts";

export const linkStatsRoute = createRoute({
  method: "get",
  path: "/api/v1/links/{slug}/stats",
  tags: ["analytics"],
  summary: "Clicks of one link over a range: totals, time series, top values, live counter",
  description: "Scope `analytics:read`. Served from the rollups; see docs/analytics.md for how ranges and zones are bucketed.",
  // Route-level, so a wildcard middleware on /api/v1/links/* (links:read) must not also guard this path.
  middleware: [requireScope("analytics:read")] as const,
  request: { params: z.object({ slug: z.string().min(1).max(64) }), query: StatsQuery },
  responses: {
    200: {
      description: "The stats",
      content: { "application/json": { schema: Stats }, "text/csv": { schema: Csv } },
    },
    400: { description: "A parameter is invalid (errors[] names it)", content: { "application/problem+json": { schema: Problem } } },
    401: { description: "No or unknown API key", content: { "application/problem+json": { schema: Problem } } },
    403: { description: "The key lacks analytics:read", content: { "application/problem+json": { schema: Problem } } },
    404: { description: "No link has this slug", content: { "application/problem+json": { schema: Problem } } },
  },
});

export function registerLinkStats(app: OpenAPIHono<AppEnv>) {
  app.openapi(linkStatsRoute, (c) => serveStats(c, c.req.valid("param").slug, c.req.valid("query")));
}
