import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { eq } from "drizzle-orm";
import { links } from "../../../db/schema.ts";
import type { AppEnv } from "../../shared/app-env.ts";
import { shlinkSecured } from "./auth.ts";
import { findShortUrl } from "./lookup.ts";
import { SHLINK_TAG, shlinkJson, shlinkProblems } from "./route-docs.ts";
import { ShortCodeParams, VisitsList, VisitsQuery } from "./schemas.ts";
import { visitsPage } from "./visits-page.ts";

export const shlinkShortUrlVisitsRoute = createRoute({
  method: "get",
  path: "/rest/v3/short-urls/{shortCode}/visits",
  tags: [SHLINK_TAG],
  summary: "Raw visits of a short URL, newest first (raw clicks are kept for the retention period)",
  ...shlinkSecured("analytics:read"),
  request: { params: ShortCodeParams, query: VisitsQuery },
  responses: { 200: shlinkJson(VisitsList, "A page of visits"), ...shlinkProblems(400, 404) },
});

export function registerShlinkShortUrlVisits(app: OpenAPIHono<AppEnv>) {
  app.openapi(shlinkShortUrlVisitsRoute, async (c) => {
    const q = c.req.valid("query");
    const { row } = await findShortUrl(c, c.req.valid("param").shortCode, q.domain);
    return c.json(await visitsPage(c, eq(links.id, row.id), q), 200);
  });
}
