import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../shared/app-env.ts";
import { json, jsonBody, limitBody, problems, secured } from "../openapi.ts";
import { applyLinkPatch } from "./apply-patch.ts";
import { MAX_LINK_BODY_BYTES } from "./create.ts";
import { presentLinks } from "./present.ts";
import { resolveDomainRef } from "../domains/resolve.ts";
import { Link, LinkDomainQuery, PatchLinkInput, LinkSlugParams } from "./schemas.ts";

export const patchLinkRoute = createRoute({
  method: "patch",
  path: "/api/v1/links/{slug}",
  tags: ["links"],
  summary: "Change a link; the next redirect already uses the change",
  description:
    "Fields are optional and null clears one. A new `slug` or `domain` moves the link: the old short URL answers 404 from then on.",
  ...secured("links:write", limitBody(MAX_LINK_BODY_BYTES)),
  request: { params: LinkSlugParams, query: LinkDomainQuery, ...jsonBody(PatchLinkInput) },
  responses: {
    200: json(Link, "The link as it is now"),
    ...problems(400, 404, 409, 413, 415, 422),
  },
});

export function registerPatchLink(app: OpenAPIHono<AppEnv>) {
  app.openapi(patchLinkRoute, async (c) => {
    const { slug } = c.req.valid("param");
    const domain = await resolveDomainRef(c, c.req.valid("query").domain);
    const row = await applyLinkPatch(c, domain, slug, c.req.valid("json"));
    const [link] = await presentLinks(c, [row]);
    return c.json(link, 200);
  });
}
