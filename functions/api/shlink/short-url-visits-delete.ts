import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../shared/app-env.ts";
import { ApiError } from "../../shared/errors.ts";
import { shlinkSecured } from "./auth.ts";
import { findShortUrl } from "./lookup.ts";
import { SHLINK_TAG, shlinkProblems } from "./route-docs.ts";
import { DomainQuery, ShortCodeParams } from "./schemas.ts";

export const shlinkDeleteShortUrlVisitsRoute = createRoute({
  method: "delete",
  path: "/rest/v3/short-urls/{shortCode}/visits",
  tags: [SHLINK_TAG],
  summary: "Delete a short URL's visits: refused (501), clicks are the analytics of record here",
  description: "Raw clicks leave by retention (RAW_RETENTION_DAYS); rollups are kept. Deleting the short URL ends its visits (docs/shlink.md).",
  ...shlinkSecured("links:write"),
  request: { params: ShortCodeParams, query: DomainQuery },
  responses: { ...shlinkProblems(404, 501) },
});

export function registerShlinkDeleteShortUrlVisits(app: OpenAPIHono<AppEnv>) {
  app.openapi(shlinkDeleteShortUrlVisitsRoute, async (c) => {
    await findShortUrl(c, c.req.valid("param").shortCode, c.req.valid("query").domain);
    throw new ApiError(501, "Deleting visits is not offered: clicks are the analytics of record, and leave by retention only.", {
      type: "https://eatmyurl.dev/problems/visits-deletion-not-offered",
    });
  });
}
