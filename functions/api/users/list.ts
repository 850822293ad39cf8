import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { listUsers } from "../../../db/queries/users.ts";
import type { AppEnv } from "../../shared/app-env.ts";
import { json, problems, secured } from "../openapi.ts";
import { presentUser } from "./present.ts";
import { UserList } from "./schemas.ts";

export const listUsersRoute = createRoute({
  method: "get",
  path: "/api/v1/users",
  tags: ["users"],
  summary: "Every person, pending invitations included (lastSeenAt null)",
  ...secured("admin"),
  responses: {
    200: json(UserList, "Oldest first"),
    ...problems(),
  },
});

export function registerListUsers(app: OpenAPIHono<AppEnv>) {
  app.openapi(listUsersRoute, async (c) => {
    const rows = await listUsers(c.var.db());
    return c.json({ data: rows.map((r) => presentUser(c, r)) }, 200);
  });
}
