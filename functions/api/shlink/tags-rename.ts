import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { renameTag } from "../../../db/queries/tags.ts";
import type { AppEnv } from "../../shared/app-env.ts";
import { fieldErrors } from "../../shared/validation.ts";
import { CreateLinkInput } from "../links/schemas.ts";
import { requireUnrestricted } from "../tags/guard.ts";
import { shlinkSecured } from "./auth.ts";
import { forbiddenTagOperation, invalidData, tagConflict, tagNotFound } from "./errors.ts";
import { SHLINK_TAG, shlinkProblems } from "./route-docs.ts";
import { PgText } from "./schemas.ts";

export const shlinkRenameTagRoute = createRoute({
  method: "put",
  path: "/rest/v3/tags",
  tags: [SHLINK_TAG],
  summary: "Rename a tag on every short URL (keys without restrictions only)",
  ...shlinkSecured("links:write"),
  request: { body: { required: true, content: { "application/json": { schema: z.object({ oldName: PgText(200), newName: z.string() }) } } } },
  responses: { 204: { description: "Renamed" }, ...shlinkProblems(400, 404, 409) },
});

export function registerShlinkRenameTag(app: OpenAPIHono<AppEnv>) {
  app.openapi(shlinkRenameTagRoute, async (c) => {
    const { oldName, newName } = c.req.valid("json");
    requireUnrestricted(c.var.principal, "rename", forbiddenTagOperation);
    // The new name must be a tag the links API would accept.
    const checked = CreateLinkInput.shape.tags.safeParse([newName]);
    if (!checked.success) throw invalidData(fieldErrors(checked.error.issues).map((e) => ({ ...e, path: "newName" })));
    const name = checked.data![0];
    const outcome = await renameTag(c.var.db(), oldName, name, { actor: c.var.principal ?? null, action: "tag.renamed" });
    if (!outcome.links) throw tagNotFound(oldName);
    if (outcome.taken) throw tagConflict(oldName, name);
    return c.body(null, 204);
  });
}
