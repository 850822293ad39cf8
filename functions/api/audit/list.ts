import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { listAudit } from "../../../db/queries/audit.ts";
import type { AuditRow } from "../../../db/schema.ts";
import type { AppEnv } from "../../shared/app-env.ts";
import { ApiError } from "../../shared/errors.ts";
import { linkScopeOf } from "../domains/resolve.ts";
import { json, problems, secured } from "../openapi.ts";
import { decodeAuditCursor, encodeAuditCursor } from "./cursor.ts";
import { AuditPage, AuditQuery, type AuditEntryJson } from "./schemas.ts";

export const listAuditRoute = createRoute({
  method: "get",
  path: "/api/v1/audit",
  tags: ["audit"],
  summary: "The audit log: every change and sign-in, newest first, a page at a time",
  description:
    "Filters: actor (id), action, target, from and to (instants). Pass `nextCursor` back as `cursor` with the same " +
    "filters for the next page; it is null on the last page. A key or person restricted to some domains or to its " +
    "own links sees only the entries about links it may see.",
  ...secured("admin"),
  request: { query: AuditQuery },
  responses: { 200: json(AuditPage, "A page of entries"), ...problems(400) },
});

const toEntry = (r: AuditRow): AuditEntryJson => ({
  id: String(r.seq),
  at: r.at.toISOString(),
  actor: r.actor ?? null,
  action: r.action,
  target: r.target,
  before: r.before ?? null,
  after: r.after ?? null,
});

export function registerListAudit(app: OpenAPIHono<AppEnv>) {
  app.openapi(listAuditRoute, async (c) => {
    const { limit, cursor, ...filters } = c.req.valid("query");
    const config = c.var.config;
    const beforeSeq = cursor === undefined ? undefined : await decodeAuditCursor(config, cursor, filters);
    if (beforeSeq === null) {
      throw new ApiError(400, "The cursor is not one this API issued.", {
        errors: [{ path: "cursor", message: "is not a valid cursor: pass nextCursor from a previous page, with the same filters" }],
      });
    }
    const { rows, next } = await listAudit(c.var.db(), {
      limit,
      beforeSeq,
      actor: filters.actor,
      action: filters.action,
      target: filters.target,
      from: filters.from === undefined ? undefined : new Date(filters.from),
      to: filters.to === undefined ? undefined : new Date(filters.to),
      scope: linkScopeOf(c.var.principal),
    });
    const nextCursor = next === null ? null : await encodeAuditCursor(config, next, filters);
    return c.json({ data: rows.map(toEntry), nextCursor }, 200);
  });
}
