import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { AllStats, Csv, Problem, StatsQuery } from "../analytics/schema.ts";
import { serveStats } from "../analytics/serve.ts";
import type { AppEnv } from "../shared/app-env.ts";
import { requireScope } from "../shared/auth.ts";

export const allStatsRoute = createRoute({
  method: "get",
  path: "/api/v1/stats",
  tags: ["analytics"],
  summary: "Clicks of every link over a range, with the top links",
  description: "Scope `analytics:read`. Served from the all-links rollups; `live` is null here (the live counters are per link).",
  middleware: [requireScope("analytics:read")] as const,
  request: { query: StatsQuery },
  responses: {
    200: {
      description: "The stats of all links",
      content: { "application/json": { schema: AllStats }, "text/csv": { schema: Csv } },
    },
    400: { description: "A parameter is invalid (errors[] names it)", content: { "application/problem+json": { schema: Problem } } },
    401: { description: "No or unknown API key", content: { "application/problem+json": { schema: Problem } } },
    403: { description: "The key lacks analytics:read", content: { "application/problem+json": { schema: Problem } } },
  },
});

export function registerAllStats(app: OpenAPIHono<AppEnv>) {
  app.openapi(allStatsRoute, (c) => serveStats(c, null, c.req.valid("query")));
}
