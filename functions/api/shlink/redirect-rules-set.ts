import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../shared/app-env.ts";
import { fieldErrors } from "../../shared/validation.ts";
import { MAX_LINK_BODY_BYTES } from "../links/create.ts";
import { PatchLinkInput } from "../links/schemas.ts";
import { limitBody } from "../openapi.ts";
import { shlinkSecured } from "./auth.ts";
import { invalidData } from "./errors.ts";
import { toRedirectRules } from "./redirect-rules-get.ts";
import { SHLINK_TAG, shlinkJson, shlinkProblems } from "./route-docs.ts";
import { DomainQuery, RedirectRulesList, SetRedirectRulesInput, ShortCodeParams } from "./schemas.ts";
import { editShortUrl } from "./short-urls-edit.ts";

export const shlinkSetRedirectRulesRoute = createRoute({
  method: "post",
  path: "/rest/v3/short-urls/{shortCode}/redirect-rules",
  tags: [SHLINK_TAG],
  summary: "Replace a short URL's redirect rules (the link's routing rules); the next redirect uses them",
  ...shlinkSecured("links:write", limitBody(MAX_LINK_BODY_BYTES)),
  request: {
    params: ShortCodeParams,
    query: DomainQuery,
    body: { required: true, content: { "application/json": { schema: SetRedirectRulesInput } } },
  },
  responses: { 200: shlinkJson(RedirectRulesList, "The rules as they are now"), ...shlinkProblems(400, 404, 422) },
});

export function registerShlinkSetRedirectRules(app: OpenAPIHono<AppEnv>) {
  app.openapi(shlinkSetRedirectRulesRoute, async (c) => {
    const { redirectRules } = c.req.valid("json");
    // The links API's Rule schema checks each condition by type, as on PATCH /api/v1/links.
    const parsed = PatchLinkInput.safeParse({ rules: redirectRules.map((r) => ({ url: r.longUrl, conditions: r.conditions })) });
    if (!parsed.success) throw invalidData(fieldErrors(parsed.error.issues));
    const row = await editShortUrl(c, c.req.valid("param").shortCode, c.req.valid("query").domain, parsed.data);
    return c.json(toRedirectRules(row), 200);
  });
}
