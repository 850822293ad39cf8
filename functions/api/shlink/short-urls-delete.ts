import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { deleteLink } from "../../../db/queries/links.ts";
import type { AppEnv } from "../../shared/app-env.ts";
import { writeThrough } from "../../redirect/link-cache/index.ts";
import { linkScopeOf } from "../domains/resolve.ts";
import { shlinkSecured } from "./auth.ts";
import { shortUrlNotFound } from "./errors.ts";
import { findShortUrl } from "./lookup.ts";
import { SHLINK_TAG, shlinkProblems } from "./route-docs.ts";
import { DomainQuery, ShortCodeParams } from "./schemas.ts";

export const shlinkDeleteShortUrlRoute = createRoute({
  method: "delete",
  path: "/rest/v3/short-urls/{shortCode}",
  tags: [SHLINK_TAG],
  summary: "Delete a short URL; the next redirect answers 404",
  ...shlinkSecured("links:write"),
  request: { params: ShortCodeParams, query: DomainQuery },
  responses: { 204: { description: "Deleted" }, ...shlinkProblems(400, 404) },
});

export function registerShlinkDeleteShortUrl(app: OpenAPIHono<AppEnv>) {
  app.openapi(shlinkDeleteShortUrlRoute, async (c) => {
    const { shortCode } = c.req.valid("param");
    const { domain } = c.req.valid("query");
    const { ref } = await findShortUrl(c, shortCode, domain);
    const row = await deleteLink(c.var.db(), ref, shortCode, linkScopeOf(c.var.principal), { actor: c.var.principal ?? null, action: "link.deleted" });
    if (!row) throw shortUrlNotFound(shortCode, domain);
    await writeThrough(c.var.redis, c.executionCtx, [], [{ slug: shortCode, row }]);
    return c.body(null, 204);
  });
}
