/** POST /api/v1/reports: anyone reports a link (no key), the same service as the /report form. */
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../shared/app-env.ts";
import { problemContent } from "../../shared/problem-schema.ts";
import { fileReport } from "../../reports/file-report.ts";
import { jsonBody, limitBody } from "../openapi.ts";
import { MAX_REPORT_BODY_BYTES, ReportInput, ReportReceipt } from "./schemas.ts";

const problem = (description: string) => ({ description, content: problemContent });

export const createReportRoute = createRoute({
  method: "post",
  path: "/api/v1/reports",
  tags: ["reports"],
  summary: "Report a link (no API key needed)",
  description:
    "Name the link by its short `url`, or by `slug` (and `domain`). The report joins the admins' queue; it never " +
    "changes the link. A report of a link that does not exist is accepted too (the answer does not tell which links " +
    "exist). Limited per client address (REPORTS_PER_CLIENT per 10 minutes) and in total (REPORTS_PER_HOUR).",
  security: [],
  middleware: [limitBody(MAX_REPORT_BODY_BYTES)] as const,
  request: jsonBody(ReportInput),
  responses: {
    202: { description: "Received: the report awaits an admin", content: { "application/json": { schema: ReportReceipt } } },
    400: problem("Malformed JSON, an unknown field, or a value out of range (see errors)"),
    413: problem(`The body is larger than ${MAX_REPORT_BODY_BYTES} bytes`),
    415: problem("The body is not application/json"),
    429: problem("Too many reports from this address, or from everyone; see Retry-After"),
  },
});

export function registerCreateReport(app: OpenAPIHono<AppEnv>) {
  app.openapi(createReportRoute, async (c) => c.json(await fileReport(c, c.req.valid("json")), 202));
}
