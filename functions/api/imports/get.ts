import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { selectImportJob } from "../../../db/queries/imports.ts";
import type { AppEnv } from "../../shared/app-env.ts";
import { ApiError } from "../../shared/errors.ts";
import { jobPrincipal } from "../../imports/jobs.ts";
import { toReport } from "../links/import.ts";
import { json, problems, secured } from "../openapi.ts";
import { ImportIdParams, ImportReport } from "./schemas.ts";

export const getImportRoute = createRoute({
  method: "get",
  path: "/api/v1/imports/{id}",
  tags: ["links"],
  summary: "An import's report: its status and progress (processed of total)",
  description:
    "As links are: a key restricted to some domains or to its own links sees only the imports it sent; any " +
    "other gets 404.",
  ...secured("links:write"),
  request: { params: ImportIdParams },
  responses: {
    200: json(ImportReport, "The report so far"),
    ...problems(404),
  },
});

export function registerGetImport(app: OpenAPIHono<AppEnv>) {
  app.openapi(getImportRoute, async (c) => {
    const { id } = c.req.valid("param");
    const p = c.var.principal;
    const job = /^[0-9a-f-]{36}$/.test(id) ? await selectImportJob(c.var.db(), id) : undefined;
    // An import's report names slugs and URLs of its rows: a restricted key sees only its own, as with links.
    const restricted = p !== undefined && (p.domains !== null || p.ownLinksOnly);
    if (!job || (restricted && jobPrincipal(job.principal).id !== p.id)) throw new ApiError(404, `No import ${id}.`);
    return c.json(toReport(job), 200);
  });
}
