import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { renameTag } from "../../../db/queries/tags.ts";
import type { AppEnv } from "../../shared/app-env.ts";
import { ApiError } from "../../shared/errors.ts";
import { json, jsonBody, limitBody, problems, secured } from "../openapi.ts";
import { requireUnrestricted } from "./guard.ts";
import { noTag } from "./not-found.ts";
import { RenamedTag, RenameTagInput, TagParams } from "./schemas.ts";

export const renameTagRoute = createRoute({
  method: "patch",
  path: "/api/v1/tags/{tag}",
  tags: ["tags"],
  summary: "Rename a tag on every link that carries it (keys without restrictions only)",
  description:
    "Tags are not merged: renaming to another tag that is already in use answers 409 and changes nothing (as Shlink's " +
    "PUT /rest/v3/tags does). To merge, delete one of them or edit the links. Renaming a tag to itself changes nothing. " +
    "A key restricted to some domains or to its own links is refused (403): a tag spans every link.",
  ...secured("links:write", limitBody(16 * 1024)),
  request: { params: TagParams, ...jsonBody(RenameTagInput) },
  responses: {
    200: json(RenamedTag, "Renamed on every link that carried it"),
    ...problems(400, 404, 409, 413, 415),
  },
});

export function registerRenameTag(app: OpenAPIHono<AppEnv>) {
  app.openapi(renameTagRoute, async (c) => {
    requireUnrestricted(c.var.principal, "rename");
    const { tag } = c.req.valid("param");
    const { name } = c.req.valid("json");
    const outcome = await renameTag(c.var.db(), tag, name, { actor: c.var.principal ?? null, action: "tag.renamed" });
    if (!outcome.links) throw noTag(tag);
    if (outcome.taken) {
      throw new ApiError(409, `The tag "${name}" is already in use: tags are not merged.`, { errors: [{ path: "name", message: "is another tag in use" }] });
    }
    return c.json({ tag: name, links: outcome.links }, 200);
  });
}
