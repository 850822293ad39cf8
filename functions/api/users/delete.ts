import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { appendAudit } from "../../../db/queries/audit.ts";
import { deleteUserSessions } from "../../../db/queries/user-sessions.ts";
import { deleteUser, lockActiveOwners, lockUser } from "../../../db/queries/users.ts";
import type { AppEnv } from "../../shared/app-env.ts";
import { ApiError } from "../../shared/errors.ts";
import { problems, rateLimitHeaderDocs, secured } from "../openapi.ts";
import { isOwnerCaller, lastOwner, notOwner, presentUser } from "./present.ts";
import { UserParams } from "./schemas.ts";

export const deleteUserRoute = createRoute({
  method: "delete",
  path: "/api/v1/users/{id}",
  tags: ["users"],
  summary: "Remove a person (or withdraw an invitation): their sessions end at once",
  description: "Only an owner removes an owner; the last enabled owner cannot be removed (409). Their links stay.",
  ...secured("admin"),
  request: { params: UserParams },
  responses: {
    204: { description: "Removed", headers: rateLimitHeaderDocs },
    ...problems(400, 404, 409),
  },
});

export function registerDeleteUser(app: OpenAPIHono<AppEnv>) {
  app.openapi(deleteUserRoute, async (c) => {
    const { id } = c.req.valid("param");
    const principal = c.var.principal!;
    await c.var.db().transaction(async (tx) => {
      const owners = await lockActiveOwners(tx);
      const before = await lockUser(tx, id);
      if (!before) throw new ApiError(404, `No person has the id "${id}".`);
      if (before.role === "owner" && !isOwnerCaller(principal, owners)) throw notOwner();
      if (owners.includes(id) && !owners.some((o) => o !== id)) throw lastOwner();
      await deleteUserSessions(tx, id);
      await deleteUser(tx, id);
      await appendAudit(tx, { actor: principal, action: "user.removed", target: `user:${id}`, before: presentUser(c, before) });
    });
    return c.body(null, 204);
  });
}
