import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { LinkRow } from "../../../db/schema.ts";
import type { AppEnv } from "../../shared/app-env.ts";
import { shlinkSecured } from "./auth.ts";
import { findShortUrl } from "./lookup.ts";
import { SHLINK_TAG, shlinkJson, shlinkProblems } from "./route-docs.ts";
import { DomainQuery, RedirectRulesList, ShortCodeParams } from "./schemas.ts";

export const shlinkGetRedirectRulesRoute = createRoute({
  method: "get",
  path: "/rest/v3/short-urls/{shortCode}/redirect-rules",
  tags: [SHLINK_TAG],
  summary: "A short URL's redirect rules: the link's routing rules, in order (priority from 1)",
  ...shlinkSecured("links:read"),
  request: { params: ShortCodeParams, query: DomainQuery },
  responses: { 200: shlinkJson(RedirectRulesList, "The rules"), ...shlinkProblems(400, 404) },
});

/** A link's rules in Shlink's form: the first rule is priority 1. */
export function toRedirectRules(row: LinkRow) {
  return {
    defaultLongUrl: row.url,
    redirectRules: row.rules.map((r, i) => ({
      longUrl: r.url,
      priority: i + 1,
      conditions: r.conditions.map((k) => ({ type: k.type, matchKey: k.matchKey ?? null, matchValue: k.matchValue ?? null })),
    })),
  };
}

export function registerShlinkGetRedirectRules(app: OpenAPIHono<AppEnv>) {
  app.openapi(shlinkGetRedirectRulesRoute, async (c) => {
    const { row } = await findShortUrl(c, c.req.valid("param").shortCode, c.req.valid("query").domain);
    return c.json(toRedirectRules(row), 200);
  });
}
