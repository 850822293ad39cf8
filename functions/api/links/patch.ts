import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { isUniqueViolation, selectLinkBySlug, updateLink } from "../../../db/queries/links.ts";
import type { AppEnv } from "../../shared/app-env.ts";
import { ApiError } from "../../shared/errors.ts";
import { json, jsonBody, limitBody, problems, secured } from "../openapi.ts";
import { writeThrough } from "../../redirect/link-cache/index.ts";
import { MAX_LINK_BODY_BYTES } from "./create.ts";
import { presentLinks } from "./present.ts";
import { ownHosts, policyErrors, toValues } from "./rules.ts";
import { Link, PatchLinkInput, LinkSlugParams } from "./schemas.ts";

export const patchLinkRoute = createRoute({
  method: "patch",
  path: "/api/v1/links/{slug}",
  tags: ["links"],
  summary: "Change a link; the next redirect already uses the change",
  description:
    "Fields are optional and null clears one. A new `slug` moves the link: the old short URL answers 404 from then on.",
  ...secured("links:write", limitBody(MAX_LINK_BODY_BYTES)),
  request: { params: LinkSlugParams, ...jsonBody(PatchLinkInput) },
  responses: {
    200: json(Link, "The link as it is now"),
    ...problems(400, 404, 409, 413, 415, 422),
  },
});

export function registerPatchLink(app: OpenAPIHono<AppEnv>) {
  app.openapi(patchLinkRoute, async (c) => {
    const { slug } = c.req.valid("param");
    const input = c.req.valid("json");
    const errors = policyErrors(input, ownHosts(c));
    if (errors.length) throw new ApiError(422, "The change cannot be made: see errors.", { errors });

    const values = await toValues(input);
    const db = c.var.db();
    let row;
    try {
      row = Object.keys(values).length ? await updateLink(db, slug, values) : await selectLinkBySlug(db, slug);
    } catch (e) {
      if (!isUniqueViolation(e)) throw e;
      throw new ApiError(409, `The slug "${input.slug}" is taken.`, { errors: [{ path: "slug", message: "is taken" }] });
    }
    if (!row) throw new ApiError(404, `No link has the slug "${slug}".`);

    if (Object.keys(values).length) await writeThrough(c.var.redis, c.executionCtx, [row], row.slug === slug ? [] : [{ slug, row }]);
    const [link] = await presentLinks(c, [row]);
    return c.json(link, 200);
  });
}
