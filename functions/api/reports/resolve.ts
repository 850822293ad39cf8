/** POST /api/v1/reports/{id}/resolve: an admin disables the reported link, or dismisses the report. */
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { resolveReport } from "../../../db/queries/reports.ts";
import type { AppEnv } from "../../shared/app-env.ts";
import { ApiError } from "../../shared/errors.ts";
import { writeThrough } from "../../redirect/link-cache/index.ts";
import { kickWebhooks } from "../../webhooks/kick.ts";
import { json, jsonBody, limitBody, problems, secured } from "../openapi.ts";
import { presentReport } from "./present.ts";
import { Report, ReportIdParams, ResolveInput } from "./schemas.ts";

export const resolveReportRoute = createRoute({
  method: "post",
  path: "/api/v1/reports/{id}/resolve",
  tags: ["reports"],
  summary: "Resolve a report: disable its link, or dismiss it",
  description:
    "`disable` disables the reported link (it answers 410 with a page saying so, showing `reason`) and closes the " +
    "report, in one transaction, both audit-logged; `dismiss` only closes it. 409 when it is already resolved; 422 " +
    "when `disable` names a report without a link (or its link was deleted).",
  ...secured("admin", limitBody(4 * 1024)),
  request: { params: ReportIdParams, ...jsonBody(ResolveInput) },
  responses: { 200: json(Report, "The report as it is now"), ...problems(400, 404, 409, 413, 415, 422) },
});

export function registerResolveReport(app: OpenAPIHono<AppEnv>) {
  app.openapi(resolveReportRoute, async (c) => {
    const id = Number(c.req.valid("param").id);
    const { action, reason } = c.req.valid("json");
    const outcome = await resolveReport(c.var.db(), id, action, reason ?? null, c.var.principal!);
    if (outcome.kind === "missing") throw new ApiError(404, `No report has the id ${id}.`);
    if (outcome.kind === "resolved") throw new ApiError(409, `The report is already resolved (${outcome.status}).`);
    if (outcome.kind === "no-link") {
      throw new ApiError(422, "The report names no link of this service (or its link was deleted): there is nothing to disable.", {
        errors: [{ path: "action", message: "disable needs a report of an existing link; dismiss it instead" }],
      });
    }
    const { report, link, disabled } = outcome;
    if (link && disabled) {
      await writeThrough(c.var.redis, c.executionCtx, [link], []);
      kickWebhooks(c); // the link.updated event
    }
    const shown = link ? { slug: link.slug, domain: link.domain, url: link.url, disabledAt: link.disabledAt } : null;
    return c.json(presentReport(c, { ...report, link: shown }), 200);
  });
}
