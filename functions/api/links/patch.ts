import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../shared/app-env.ts";
import { json, jsonBody, limitBody, problems, secured } from "../openapi.ts";
import { applyLinkPatch } from "./apply-patch.ts";
import { MAX_LINK_BODY_BYTES } from "./create.ts";
import { presentLinks } from "./present.ts";
import { resolveDomainRef } from "../domains/resolve.ts";
import { ADMIN_LINK_FIELDS, Link, LinkDomainQuery, PatchLinkInput, LinkSlugParams } from "./schemas.ts";
import { ApiError } from "../../shared/errors.ts";
import { hasScope } from "../../shared/auth/scopes.ts";

export const patchLinkRoute = createRoute({
  method: "patch",
  path: "/api/v1/links/{slug}",
  tags: ["links"],
  summary: "Change a link; the next redirect already uses the change",
  description:
    "Fields are optional and null clears one. A new `slug` or `domain` moves the link: the old short URL answers 404 from then on. " +
    "`disabled`, `disabledReason` and `warning` need the admin scope besides links:write (403 naming the field otherwise; docs/abuse.md).",
  ...secured("links:write", limitBody(MAX_LINK_BODY_BYTES)),
  request: { params: LinkSlugParams, query: LinkDomainQuery, ...jsonBody(PatchLinkInput) },
  responses: {
    200: json(Link, "The link as it is now"),
    ...problems(400, 403, 404, 409, 413, 415, 422),
  },
});

export function registerPatchLink(app: OpenAPIHono<AppEnv>) {
  app.openapi(patchLinkRoute, async (c) => {
    const { slug } = c.req.valid("param");
    const input = c.req.valid("json");
    // The route needs links:write; these fields are an admin's decision about a link, whoever made it.
    const adminField = ADMIN_LINK_FIELDS.find((f) => input[f] !== undefined);
    if (adminField && !hasScope(c.var.principal!, "admin")) {
      throw new ApiError(403, `Only an admin may change "${adminField}".`, { errors: [{ path: adminField, message: "needs the admin scope" }] });
    }
    const domain = await resolveDomainRef(c, c.req.valid("query").domain);
    const row = await applyLinkPatch(c, domain, slug, input);
    const [link] = await presentLinks(c, [row]);
    return c.json(link, 200);
  });
}
