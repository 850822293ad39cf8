import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { deleteBlockedHost } from "../../../db/queries/blocklist.ts";
import type { AppEnv } from "../../shared/app-env.ts";
import { ApiError } from "../../shared/errors.ts";
import { normalizeBlockRule } from "../../abuse/block-hosts.ts";
import { problems, rateLimitHeaderDocs, secured } from "../openapi.ts";
import { BlockedHostParams } from "./schemas.ts";

export const deleteBlocklistRoute = createRoute({
  method: "delete",
  path: "/api/v1/blocklist/{host}",
  tags: ["abuse"],
  summary: "Unblock a host (or a suffix rule, `*.evil.example`)",
  ...secured("admin"),
  request: { params: BlockedHostParams },
  responses: {
    204: { description: "Removed; link writes no longer check it", headers: rateLimitHeaderDocs },
    ...problems(400, 404),
  },
});

export function registerDeleteBlocklist(app: OpenAPIHono<AppEnv>) {
  app.openapi(deleteBlocklistRoute, async (c) => {
    const { host } = c.req.valid("param");
    // Any spelling of a rule names it (EVIL.example., the Unicode form of an international name).
    const rule = normalizeBlockRule(host);
    const row = rule.ok ? await deleteBlockedHost(c.var.db(), rule.host, { actor: c.var.principal ?? null, action: "blocklist.removed" }) : undefined;
    if (!row) throw new ApiError(404, `"${host}" is not on the blocklist.`);
    return c.body(null, 204);
  });
}
