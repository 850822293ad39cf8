import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../shared/app-env.ts";
import { shlinkSecured } from "./auth.ts";
import { findShortUrl } from "./lookup.ts";
import { presentShortUrls } from "./present.ts";
import { SHLINK_TAG, shlinkJson, shlinkProblems } from "./route-docs.ts";
import { DomainQuery, ShortCodeParams, ShortUrl } from "./schemas.ts";

export const shlinkGetShortUrlRoute = createRoute({
  method: "get",
  path: "/rest/v3/short-urls/{shortCode}",
  tags: [SHLINK_TAG],
  summary: "One short URL",
  ...shlinkSecured("links:read"),
  request: { params: ShortCodeParams, query: DomainQuery },
  responses: { 200: shlinkJson(ShortUrl, "The short URL"), ...shlinkProblems(400, 404) },
});

export function registerShlinkGetShortUrl(app: OpenAPIHono<AppEnv>) {
  app.openapi(shlinkGetShortUrlRoute, async (c) => {
    const { row } = await findShortUrl(c, c.req.valid("param").shortCode, c.req.valid("query").domain);
    const [shortUrl] = await presentShortUrls(c, [row]);
    return c.json(shortUrl, 200);
  });
}
