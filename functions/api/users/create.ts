import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { appendAudit } from "../../../db/queries/audit.ts";
import { insertUser, lockActiveOwners } from "../../../db/queries/users.ts";
import type { AppEnv } from "../../shared/app-env.ts";
import { randomBase62 } from "../../shared/crypto.ts";
import { ApiError } from "../../shared/errors.ts";
import { creatorId } from "../created-by.ts";
import { json, jsonBody, limitBody, problems, secured } from "../openapi.ts";
import { checkRestrictable, isOwnerCaller, notOwner, presentUser, storedDomains } from "./present.ts";
import { CreateUserInput, User } from "./schemas.ts";

export const createUserRoute = createRoute({
  method: "post",
  path: "/api/v1/users",
  tags: ["users"],
  summary: "Invite a person: taken up at their first sign-in with this email (only an owner invites owners)",
  ...secured("admin", limitBody(16 * 1024)),
  request: jsonBody(CreateUserInput),
  responses: {
    201: json(User, "The invitation (lastSeenAt null until they sign in)"),
    ...problems(400, 409, 413, 415, 422),
  },
});

export function registerCreateUser(app: OpenAPIHono<AppEnv>) {
  app.openapi(createUserRoute, async (c) => {
    const { email, role, name = "", domains, ownLinksOnly = false } = c.req.valid("json");
    const stored = domains ? await storedDomains(c, domains) : null;
    checkRestrictable(role, stored, ownLinksOnly);
    const principal = c.var.principal!;
    const row = await c.var.db().transaction(async (tx) => {
      if (role === "owner" && !isOwnerCaller(principal, await lockActiveOwners(tx))) throw notOwner();
      const id = "usr_" + randomBase62(16);
      const made = await insertUser(tx, { id, email, name, role, domains: stored, ownLinksOnly, createdBy: creatorId(principal) });
      if (!made) throw new ApiError(409, `Someone with the email "${email}" is already here (or invited).`, { errors: [{ path: "email", message: "is taken" }] });
      await appendAudit(tx, { actor: principal, action: "user.invited", target: `user:${id}`, after: presentUser(c, made) });
      return made;
    });
    return c.json(presentUser(c, row), 201);
  });
}
