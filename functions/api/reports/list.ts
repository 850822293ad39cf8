/** GET /api/v1/reports: the admins' queue, newest first. */
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { listReports } from "../../../db/queries/reports.ts";
import type { AppEnv } from "../../shared/app-env.ts";
import { ApiError } from "../../shared/errors.ts";
import { json, problems, secured } from "../openapi.ts";
import { decodeReportCursor, encodeReportCursor } from "./cursor.ts";
import { presentReport } from "./present.ts";
import { ReportPage, ReportsQuery } from "./schemas.ts";

export const listReportsRoute = createRoute({
  method: "get",
  path: "/api/v1/reports",
  tags: ["reports"],
  summary: "Reports of links, newest first, a page at a time",
  description: "Filter by `status` (open, disabled, dismissed). Pass `nextCursor` back as `cursor`, with the same status, for the next page.",
  ...secured("admin"),
  request: { query: ReportsQuery },
  responses: { 200: json(ReportPage, "A page of reports"), ...problems(400) },
});

export function registerListReports(app: OpenAPIHono<AppEnv>) {
  app.openapi(listReportsRoute, async (c) => {
    const { status, limit, cursor } = c.req.valid("query");
    const config = c.var.config;
    const beforeId = cursor === undefined ? undefined : await decodeReportCursor(config, cursor, status);
    if (beforeId === null) {
      throw new ApiError(400, "The cursor is not one this API issued.", {
        errors: [{ path: "cursor", message: "is not a valid cursor: pass nextCursor from a previous page, with the same status" }],
      });
    }
    const { rows, next } = await listReports(c.var.db(), { status, beforeId, limit });
    return c.json({ data: rows.map((r) => presentReport(c, r)), nextCursor: next === null ? null : await encodeReportCursor(config, next, status) }, 200);
  });
}
