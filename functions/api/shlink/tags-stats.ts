import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { selectTagStats } from "../../../db/queries/tags.ts";
import type { AppEnv } from "../../shared/app-env.ts";
import { linkScopeOf } from "../domains/resolve.ts";
import { shlinkSecured } from "./auth.ts";
import { pagination } from "./present.ts";
import { SHLINK_TAG, shlinkJson, shlinkProblems } from "./route-docs.ts";
import { Pagination, PgText, VisitsSummary } from "./schemas.ts";

const TagInfo = z.object({ tag: z.string(), shortUrlsCount: z.int(), visitsSummary: VisitsSummary }).openapi("ShlinkTagInfo");

export const shlinkTagsStatsRoute = createRoute({
  method: "get",
  path: "/rest/v3/tags/stats",
  tags: [SHLINK_TAG],
  summary: "Per tag: its short URLs (that the key sees) and their all-time visits",
  ...shlinkSecured("analytics:read"),
  request: { query: z.object({ searchTerm: PgText(200).optional() }) },
  responses: { 200: shlinkJson(z.object({ tags: z.object({ data: z.array(TagInfo), pagination: Pagination }) }), "Tag stats"), ...shlinkProblems(400) },
});

export function registerShlinkTagsStats(app: OpenAPIHono<AppEnv>) {
  app.openapi(shlinkTagsStatsRoute, async (c) => {
    const term = c.req.valid("query").searchTerm?.toLowerCase();
    const data = (await selectTagStats(c.var.db(), linkScopeOf(c.var.principal)))
      .filter((t) => !term || t.tag.toLowerCase().includes(term))
      .map((t) => ({ tag: t.tag, shortUrlsCount: t.links, visitsSummary: { total: t.total, nonBots: t.humans, bots: t.total - t.humans } }));
    return c.json({ tags: { data, pagination: pagination(1, null, data.length, data.length) } }, 200);
  });
}
