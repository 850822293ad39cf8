import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { ImportJobRow } from "../../../db/schema.ts";
import { applyRows, emptyTally, IMPORT_BATCH_ROWS, judgeRow, rowChars, type ImportOptions, type SourceRow } from "../../imports/apply.ts";
import { recordFinished, runImports, storeJob, SYNC_MAX_CHARS, SYNC_MAX_ROWS } from "../../imports/jobs.ts";
import { openCsv, openJson } from "../../imports/source.ts";
import { writeThrough } from "../../redirect/link-cache/index.ts";
import type { AppEnv } from "../../shared/app-env.ts";
import { ApiError } from "../../shared/errors.ts";
import { lowerWorkDue } from "../../shared/work-due.ts";
import { resolveDomainRef, hostnameOf } from "../domains/resolve.ts";
import { json, problems, secured } from "../openapi.ts";
import { ImportAccepted, ImportQuery, ImportReport } from "../imports/schemas.ts";

export const importLinksRoute = createRoute({
  method: "post",
  path: "/api/v1/links/import",
  tags: ["links"],
  summary: "Import links from Bitly, Shlink, Kutt, Dub, YOURLS or our own export (CSV or JSON)",
  description:
    `Each row is validated as the body of POST /api/v1/links; a bad row fails alone and is named by its line. ` +
    `Idempotent by domain and slug (onConflict). Up to ${SYNC_MAX_ROWS} rows (and ${SYNC_MAX_CHARS} characters of them): ` +
    "200 with the report; more: 202 with the id of a background job, whose report GET /api/v1/imports/{id} answers " +
    "as it progresses. A CSV record larger than any link's row can be is refused (413, naming its line).",
  ...secured("links:write"),
  request: {
    query: ImportQuery,
    body: {
      required: true,
      content: {
        "text/csv": { schema: { type: "string" } },
        "application/json": { schema: { type: "array", items: { $ref: "#/components/schemas/Link" } } },
      },
    },
  },
  responses: {
    200: json(ImportReport, "Every row applied (or, for a dry run, judged)"),
    202: json(ImportAccepted, "More rows than one request applies: the import goes on in the background"),
    ...problems(400, 404, 413, 415),
  },
});

export const toReport = (j: ImportJobRow) => ({
  id: j.id,
  status: (j.status === "receiving" ? "running" : j.status) as "running" | "done" | "failed",
  format: j.format as ImportOptions["format"],
  dryRun: j.dryRun,
  total: j.total,
  processed: j.processed,
  created: j.created,
  updated: j.updated,
  skipped: j.skipped,
  failed: j.failed,
  errors: j.errors,
  message: j.message,
});

export function registerImportLinks(app: OpenAPIHono<AppEnv>) {
  app.openapi(importLinksRoute, async (c) => {
    const q = c.req.valid("query");
    const type = (c.req.header("content-type") ?? "").split(";")[0].trim().toLowerCase();
    const isJson = type === "application/json";
    if (!isJson && type !== "text/csv" && type !== "text/plain") {
      throw new ApiError(415, "Send the file as text/csv or application/json.");
    }
    const body = c.req.raw.body;
    if (!body) throw new ApiError(400, "The body is empty: send the file.", { errors: [{ path: "body", message: "is empty" }] });
    // A domain named for every row must exist and be one the key may use, like a link's own domain.
    const domain = q.domain === undefined ? undefined : hostnameOf(c, await resolveDomainRef(c, q.domain));
    const opened = isJson ? await openJson(body, q.format) : await openCsv(body, q.format);
    const o: ImportOptions = { format: opened.format, onConflict: q.onConflict, dryRun: q.dryRun, domain };
    const owner = { principal: c.var.principal, requestUrl: c.req.url };
    const id = crypto.randomUUID();
    const db = c.var.db();

    // Read up to the threshold first: a small file is answered whole, nothing being written before it is read.
    // Each row is judged as it arrives, so a bad one is held as its message, not its cells.
    const rows = opened.rows[Symbol.asyncIterator]();
    const head: SourceRow[] = [];
    let chars = 0;
    let next = await rows.next();
    while (!next.done && head.length < SYNC_MAX_ROWS && chars < SYNC_MAX_CHARS) {
      const row = judgeRow(next.value, o);
      head.push(row);
      chars += rowChars(row);
      next = await rows.next();
    }
    if (!next.done) {
      head.push(next.value);
      // Due at once, before the upload is stored: the cron finishes the job, or fails it if the upload dies.
      await lowerWorkDue(c.var.redis);
      await storeJob(db, id, owner, o, head, rows);
      const { config, redis } = c.var;
      c.var.defer("import", () => runImports({ db: c.var.db(), config, redis, waitUntil: (p) => c.executionCtx.waitUntil(p) }, undefined, id));
      return c.json({ id }, 202);
    }

    const t = emptyTally();
    for (let i = 0; i < head.length; i += IMPORT_BATCH_ROWS) {
      const written = await applyRows(c, db, head.slice(i, i + IMPORT_BATCH_ROWS), o, t);
      await writeThrough(c.var.redis, c.executionCtx, written);
    }
    await recordFinished(db, id, owner, o, t, head.length);
    const { passwords: _p, claimed: _c, ...counts } = t;
    return c.json({ id, status: "done" as const, format: o.format, dryRun: o.dryRun, total: head.length, ...counts, message: null }, 200);
  });
}
