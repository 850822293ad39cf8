import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { AllStats, Csv, StatsQuery } from "../../analytics/schema.ts";
import { serveStats } from "../../analytics/serve-stats.ts";
import type { AppEnv } from "../../shared/app-env.ts";
import { problems, secured } from "../openapi.ts";

export const allStatsRoute = createRoute({
  method: "get",
  path: "/api/v1/stats",
  tags: ["analytics"],
  summary: "Clicks of every link over a range, with the top links",
  description: "Scope `analytics:read`. Served from the all-links rollups; `live` is null here (the live figures are per link).",
  ...secured("analytics:read"),
  request: { query: StatsQuery },
  responses: {
    200: {
      description: "The stats of all links",
      content: { "application/json": { schema: AllStats }, "text/csv": { schema: Csv } },
    },
    ...problems(400),
  },
});

export function registerAllStats(app: OpenAPIHono<AppEnv>) {
  app.openapi(allStatsRoute, (c) => serveStats(c, null, c.req.valid("query")));
}
