import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { listApiKeys } from "../../../db/queries/api-keys.ts";
import type { AppEnv } from "../../shared/app-env.ts";
import type { Scope } from "../../shared/auth/scopes.ts";
import { json, problems, secured } from "../openapi.ts";
import { makersOf } from "../created-by.ts";
import { restrictionsOf } from "./present.ts";
import { ApiKey } from "./schemas.ts";

export const listKeysRoute = createRoute({
  method: "get",
  path: "/api/v1/keys",
  tags: ["keys"],
  summary: "Every API key, revoked ones included; never the key itself",
  ...secured("admin"),
  responses: {
    200: json(z.object({ data: z.array(ApiKey) }).openapi("ApiKeyList"), "Newest first"),
    ...problems(),
  },
});

export function registerListKeys(app: OpenAPIHono<AppEnv>) {
  app.openapi(listKeysRoute, async (c) => {
    const rows = await listApiKeys(c.var.db());
    const makers = await makersOf(c, rows.map((r) => r.createdBy));
    const data = rows.map((r, i) => ({
      id: r.id,
      name: r.name,
      prefix: r.prefix,
      scopes: r.scopes as Scope[],
      ...restrictionsOf(c, r),
      createdBy: makers[i],
      createdAt: r.createdAt.toISOString(),
      lastUsedAt: r.lastUsedAt?.toISOString() ?? null,
      revokedAt: r.revokedAt?.toISOString() ?? null,
    }));
    return c.json({ data }, 200);
  });
}
