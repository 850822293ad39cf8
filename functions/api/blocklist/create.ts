import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { insertBlockedHost } from "../../../db/queries/blocklist.ts";
import type { AppEnv } from "../../shared/app-env.ts";
import { ApiError } from "../../shared/errors.ts";
import { normalizeBlockRule } from "../../abuse/block-hosts.ts";
import { creatorId, madeByCaller } from "../created-by.ts";
import { json, jsonBody, limitBody, problems, secured } from "../openapi.ts";
import { toBlockedHost } from "./present.ts";
import { BlockedHost, CreateBlockedHostInput } from "./schemas.ts";

export const createBlocklistRoute = createRoute({
  method: "post",
  path: "/api/v1/blocklist",
  tags: ["abuse"],
  summary: "Block a host, or every name under one (`*.evil.example`): links may no longer be made or changed to point there",
  description: "Links that point there already are left as they are (disable them, or let the health checks warn).",
  ...secured("admin", limitBody(4096)),
  request: jsonBody(CreateBlockedHostInput),
  responses: {
    201: json(BlockedHost, "The rule, normalised; every link write checks it from now on"),
    ...problems(400, 409, 413, 415, 422),
  },
});

export function registerCreateBlocklist(app: OpenAPIHono<AppEnv>) {
  app.openapi(createBlocklistRoute, async (c) => {
    const rule = normalizeBlockRule(c.req.valid("json").host);
    if (!rule.ok) throw new ApiError(422, `The host cannot be blocked: it ${rule.message}.`, { errors: [{ path: "host", message: rule.message }] });
    const row = await insertBlockedHost(c.var.db(), rule.host, creatorId(c.var.principal), { actor: c.var.principal ?? null, action: "blocklist.added" });
    if (!row) throw new ApiError(409, `"${rule.host}" is on the blocklist already.`, { errors: [{ path: "host", message: "is on the blocklist already" }] });
    c.header("location", `/api/v1/blocklist/${encodeURIComponent(row.host)}`);
    return c.json(toBlockedHost(row, madeByCaller(c)), 201);
  });
}
