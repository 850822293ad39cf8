import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../shared/app-env.ts";
import { ApiError } from "../../shared/errors.ts";
import { applyLinkPatch } from "../links/apply-patch.ts";
import { UNSAFE_DESTINATION } from "../../abuse/destination-checks.ts";
import { MAX_LINK_BODY_BYTES } from "../links/create.ts";
import { limitBody } from "../openapi.ts";
import { shlinkSecured } from "./auth.ts";
import { invalidData, shortUrlNotFound } from "./errors.ts";
import { findShortUrl } from "./lookup.ts";
import { presentShortUrls } from "./present.ts";
import { SHLINK_TAG, shlinkJson, shlinkProblems } from "./route-docs.ts";
import { DomainQuery, EditShortUrlInput, ShortCodeParams, ShortUrl } from "./schemas.ts";
import { toPatchLinkInput } from "./short-url-input.ts";

export const shlinkEditShortUrlRoute = createRoute({
  method: "patch",
  path: "/rest/v3/short-urls/{shortCode}",
  tags: [SHLINK_TAG],
  summary: "Edit a short URL; the next redirect already uses the change",
  ...shlinkSecured("links:write", limitBody(MAX_LINK_BODY_BYTES)),
  request: { params: ShortCodeParams, query: DomainQuery, body: { required: true, content: { "application/json": { schema: EditShortUrlInput } } } },
  responses: { 200: shlinkJson(ShortUrl, "The short URL as it is now"), ...shlinkProblems(400, 404, 422) },
});

/** A change through the links API's patch; its refusals in Shlink's words. */
export async function editShortUrl(c: Parameters<typeof applyLinkPatch>[0], shortCode: string, domain: string | undefined, input: Parameters<typeof applyLinkPatch>[3]) {
  const { ref } = await findShortUrl(c, shortCode, domain);
  try {
    return await applyLinkPatch(c, ref, shortCode, input);
  } catch (e) {
    // An unsafe destination keeps its own type (no Shlink client mistakes it for one of Shlink's).
    if (e instanceof ApiError && e.status === 422 && e.options.type !== UNSAFE_DESTINATION) throw invalidData(e.options.errors ?? []);
    if (e instanceof ApiError && e.status === 404) throw shortUrlNotFound(shortCode, domain);
    throw e;
  }
}

export function registerShlinkEditShortUrl(app: OpenAPIHono<AppEnv>) {
  app.openapi(shlinkEditShortUrlRoute, async (c) => {
    const { shortCode } = c.req.valid("param");
    const row = await editShortUrl(c, shortCode, c.req.valid("query").domain, toPatchLinkInput(c.req.valid("json")));
    const [shortUrl] = await presentShortUrls(c, [row]);
    return c.json(shortUrl, 200);
  });
}
