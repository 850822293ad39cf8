import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { isForeignKeyViolation, isUniqueViolation, selectLinkBySlug, updateLink } from "../../../db/queries/links.ts";
import type { AppEnv } from "../../shared/app-env.ts";
import { ApiError } from "../../shared/errors.ts";
import { json, jsonBody, limitBody, problems, secured } from "../openapi.ts";
import { writeThrough } from "../../redirect/link-cache/index.ts";
import { MAX_LINK_BODY_BYTES } from "./create.ts";
import { presentLinks } from "./present.ts";
import { linkScopeOf, resolveDomainRef } from "../domains/resolve.ts";
import { ownHosts, policyErrors, toValues } from "./rules.ts";
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
    const input = c.req.valid("json");
    const domain = await resolveDomainRef(c, c.req.valid("query").domain);
    // Moving to a domain the key may not use is refused as if that domain did not exist.
    const target = input.domain === undefined ? domain : await resolveDomainRef(c, input.domain);
    const errors = policyErrors(input, ownHosts(c, target));
    if (errors.length) throw new ApiError(422, "The change cannot be made: see errors.", { errors });

    const values = await toValues(input);
    if (input.domain !== undefined) values.domain = target;
    const db = c.var.db();
    const scope = linkScopeOf(c.var.principal);
    let row;
    try {
      row = Object.keys(values).length ? await updateLink(db, domain, slug, values, scope) : await selectLinkBySlug(db, domain, slug, scope);
    } catch (e) {
      if (isForeignKeyViolation(e)) throw new ApiError(404, "The domain was removed meanwhile.", { errors: [{ path: "domain", message: "is not a domain of this service" }] });
      if (!isUniqueViolation(e)) throw e;
      throw new ApiError(409, `The slug "${input.slug ?? slug}" is taken on that domain.`, { errors: [{ path: "slug", message: "is taken" }] });
    }
    if (!row) throw new ApiError(404, `No link has the slug "${slug}".`);

    const moved = row.slug !== slug || row.domain !== domain;
    if (Object.keys(values).length) await writeThrough(c.var.redis, c.executionCtx, [row], moved ? [{ slug, domain, row }] : []);
    const [link] = await presentLinks(c, [row]);
    return c.json(link, 200);
  });
}
