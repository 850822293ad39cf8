/** The bodies and parameters of import and export: validation and documentation in one. */
import { z } from "@hono/zod-openapi";
import { importFormats } from "../../imports/formats.ts";
import { HostnameRef, ListQuery } from "../links/schemas.ts";

export const ImportQuery = z.strictObject({
  format: z.enum(importFormats).default("auto").openapi({ description: "auto: sniffed from the header row (or the first JSON object's keys)" }),
  onConflict: z.enum(["skip", "update"]).default("skip").openapi({ description: "For a slug already taken on its domain: leave that link (skip) or rewrite it (update)" }),
  dryRun: z.enum(["true", "false"]).default("false").transform((v) => v === "true").openapi({ type: "boolean", description: "Validate and report without writing" }),
  domain: HostnameRef.optional().openapi({ description: "Put every row on this domain (a hostname), whatever the file says" }),
});

export const ImportReport = z
  .object({
    id: z.string().openapi({ description: "GET /api/v1/imports/{id} answers this report later too" }),
    status: z.enum(["running", "done", "failed"]),
    format: z.enum(importFormats).exclude(["auto"]).openapi({ description: "The format the file was read as" }),
    dryRun: z.boolean(),
    total: z.int().openapi({ description: "Rows in the file (without the header)" }),
    processed: z.int(),
    created: z.int(),
    updated: z.int(),
    skipped: z.int().openapi({ description: "Rows whose slug was taken (onConflict=skip), or that would change nothing" }),
    failed: z.int(),
    errors: z.array(z.object({ line: z.int().openapi({ description: "1-based line of the file, as an editor shows it" }), message: z.string() }))
      .openapi({ description: "The first 100 failed rows; `failed` counts them all" }),
    message: z.string().nullable().openapi({ description: "Why the import failed, when it did" }),
  })
  .openapi("ImportReport");

export const ImportAccepted = z.object({ id: z.string() }).openapi("ImportAccepted");

export const ImportIdParams = z.object({ id: z.string().max(100).openapi({ param: { name: "id", in: "path" } }) });

export const ExportQuery = ListQuery.omit({ limit: true, cursor: true }).extend({
  format: z.enum(["csv", "json"]).default("csv").openapi({ description: "csv: the Link's columns, tags joined with |; json: an array of Links" }),
});
