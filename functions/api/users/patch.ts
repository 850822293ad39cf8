import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { appendAudit } from "../../../db/queries/audit.ts";
import { revokeUserSessions } from "../../../db/queries/user-sessions.ts";
import { lockActiveOwners, lockUser, updateUser } from "../../../db/queries/users.ts";
import type { AppEnv } from "../../shared/app-env.ts";
import { ApiError } from "../../shared/errors.ts";
import { json, jsonBody, limitBody, problems, secured } from "../openapi.ts";
import { checkRestrictable, isOwnerCaller, lastOwner, notOwner, presentUser, storedDomains } from "./present.ts";
import { PatchUserInput, User, UserParams } from "./schemas.ts";

export const patchUserRoute = createRoute({
  method: "patch",
  path: "/api/v1/users/{id}",
  tags: ["users"],
  summary: "Change a person's role, name, restrictions or disabled; it applies at their next request",
  description: "Only an owner makes an owner or changes one; the last enabled owner cannot be demoted or disabled (409). Disabling ends the person's sessions.",
  ...secured("admin", limitBody(16 * 1024)),
  request: { params: UserParams, ...jsonBody(PatchUserInput) },
  responses: {
    200: json(User, "The person as they are now"),
    ...problems(400, 404, 409, 413, 415, 422),
  },
});

export function registerPatchUser(app: OpenAPIHono<AppEnv>) {
  app.openapi(patchUserRoute, async (c) => {
    const { id } = c.req.valid("param");
    const input = c.req.valid("json");
    const domains = input.domains ? await storedDomains(c, input.domains) : input.domains;
    const principal = c.var.principal!;
    const row = await c.var.db().transaction(async (tx) => {
      const owners = await lockActiveOwners(tx);
      const before = await lockUser(tx, id);
      if (!before) throw new ApiError(404, `No person has the id "${id}".`);
      if ((before.role === "owner" || input.role === "owner") && !isOwnerCaller(principal, owners)) throw notOwner();
      const next = {
        role: input.role ?? before.role,
        name: input.name ?? before.name,
        domains: domains === undefined ? before.domains : domains,
        ownLinksOnly: input.ownLinksOnly ?? before.ownLinksOnly,
        disabled: input.disabled ?? before.disabled,
      };
      checkRestrictable(next.role, next.domains, next.ownLinksOnly);
      const wasOwner = owners.includes(id);
      if (wasOwner && (next.role !== "owner" || next.disabled) && !owners.some((o) => o !== id)) throw lastOwner();
      const after = await updateUser(tx, id, next);
      // Disabling ends the sessions; a demotion needs nothing here: each request reads the current role.
      if (next.disabled && !before.disabled) await revokeUserSessions(tx, id);
      await appendAudit(tx, { actor: principal, action: "user.updated", target: `user:${id}`, before: presentUser(c, before), after: presentUser(c, after) });
      return after;
    });
    return c.json(presentUser(c, row), 200);
  });
}
