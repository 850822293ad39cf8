import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { pageLinks, type LinkOrderField } from "../../../db/queries/link-pages.ts";
import type { AppEnv } from "../../shared/app-env.ts";
import { linkScopeOf } from "../domains/resolve.ts";
import { shlinkSecured } from "./auth.ts";
import { requireDomain } from "./lookup.ts";
import { pagination, presentShortUrls } from "./present.ts";
import { SHLINK_TAG, shlinkJson, shlinkProblems } from "./route-docs.ts";
import { MAX_ITEMS_PER_PAGE, Pagination, ShortUrl, ShortUrlsQuery } from "./schemas.ts";

/** Shlink's default page size. */
const DEFAULT_PER_PAGE = 10;

export const shlinkListShortUrlsRoute = createRoute({
  method: "get",
  path: "/rest/v3/short-urls",
  tags: [SHLINK_TAG],
  summary: "Short URLs a page at a time, with Shlink's filters and orders (itemsPerPage -1: up to 5,000)",
  ...shlinkSecured("links:read"),
  request: { query: ShortUrlsQuery },
  responses: {
    200: shlinkJson(z.object({ shortUrls: z.object({ data: z.array(ShortUrl), pagination: Pagination }) }), "A page of short URLs"),
    ...shlinkProblems(400, 404),
  },
});

export function registerShlinkListShortUrls(app: OpenAPIHono<AppEnv>) {
  app.openapi(shlinkListShortUrlsRoute, async (c) => {
    const q = c.req.valid("query");
    const perPage = q.itemsPerPage === -1 ? MAX_ITEMS_PER_PAGE : (q.itemsPerPage ?? DEFAULT_PER_PAGE);
    const [field, dir] = (q.orderBy ?? "dateCreated-DESC").split("-") as [LinkOrderField, "ASC" | "DESC"];
    const { rows, total } = await pageLinks(c.var.db(), {
      offset: (q.page - 1) * perPage,
      limit: perPage,
      search: q.searchTerm || undefined,
      tags: q["tags[]"],
      tagsMode: q.tagsMode,
      excludeTags: q["excludeTags[]"],
      excludeTagsMode: q.excludeTagsMode,
      domain: q.domain === undefined ? undefined : await requireDomain(c, q.domain),
      createdFrom: q.startDate,
      createdTo: q.endDate,
      excludeMaxClicksReached: q.excludeMaxVisitsReached,
      excludeExpired: q.excludePastValidUntil,
      order: { field, dir },
      scope: linkScopeOf(c.var.principal),
    });
    const data = await presentShortUrls(c, rows);
    return c.json({ shortUrls: { data, pagination: pagination(q.page, perPage, data.length, total) } }, 200);
  });
}
