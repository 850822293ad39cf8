import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { listLinks, type ListPosition } from "../../../db/queries/links.ts";
import { OUR_COLUMNS } from "../../imports/formats.ts";
import type { AppEnv } from "../../shared/app-env.ts";
import { csvCell } from "../../shared/csv-cell.ts";
import { linkScopeOf, resolveDomainRef } from "../domains/resolve.ts";
import { problems, rateLimitHeaderDocs, secured } from "../openapi.ts";
import { ExportQuery } from "../imports/schemas.ts";
import { presentLinks } from "./present.ts";
import type { Link } from "./schemas.ts";

/** Links per Postgres page while streaming (keyset pages in the list's order). */
const EXPORT_PAGE = 500;

export const exportLinksRoute = createRoute({
  method: "get",
  path: "/api/v1/links/export",
  tags: ["links"],
  summary: "Every matching link, streamed as CSV or JSON (what import reads back)",
  description:
    "The list's filters and order (newest first). Times are to the microsecond, so an export imported into an " +
    "empty deployment exports again byte for byte. Passwords are never exported (hasPassword says which have one).",
  ...secured("links:read"),
  request: { query: ExportQuery },
  responses: {
    200: {
      description: "The links",
      headers: rateLimitHeaderDocs,
      content: {
        "text/csv": { schema: { type: "string" as const } },
        "application/json": { schema: { type: "array" as const, items: { $ref: "#/components/schemas/Link" } } },
      },
    },
    ...problems(400, 404),
  },
});

export function csvLine(l: Link): string {
  const values: Record<(typeof OUR_COLUMNS)[number], string> = {
    id: l.id, slug: l.slug, domain: l.domain, shortUrl: l.shortUrl, url: l.url, redirectType: String(l.redirectType),
    title: l.title ?? "", tags: l.tags.join("|"), expiresAt: l.expiresAt ?? "", maxClicks: l.maxClicks === null ? "" : String(l.maxClicks),
    fallbackUrl: l.fallbackUrl ?? "", hasPassword: String(l.hasPassword), rules: JSON.stringify(l.rules),
    variants: l.variants === null ? "" : JSON.stringify(l.variants), validSince: l.validSince ?? "", forwardQuery: String(l.forwardQuery),
    crawlable: String(l.crawlable), preview: l.preview === null ? "" : JSON.stringify(l.preview), clicks: String(l.clicks), createdAt: l.createdAt, updatedAt: l.updatedAt,
  };
  // Titles, tags and URLs are whoever wrote the link's: defused, so no cell runs as a formula (csvCell).
  return OUR_COLUMNS.map((c) => csvCell(values[c])).join(",") + "\r\n";
}

export function registerExportLinks(app: OpenAPIHono<AppEnv>) {
  app.openapi(exportLinksRoute, async (c) => {
    const { format, q, tag, domain: hostname } = c.req.valid("query");
    const domain = hostname === undefined ? undefined : await resolveDomainRef(c, hostname);
    const scope = linkScopeOf(c.var.principal);
    const db = c.var.db();
    const enc = new TextEncoder();
    let after: ListPosition | undefined;
    let started = false;
    let finished!: () => void;
    // The request's Postgres pool is ended once its deferred work settles: keep it until the stream is done.
    const done = new Promise<void>((r) => (finished = r));
    c.var.defer("export", () => done);
    let first = true;
    const stream = new ReadableStream<Uint8Array>({
      async pull(ctl) {
        try {
          if (!started) {
            started = true;
            ctl.enqueue(enc.encode(format === "csv" ? OUR_COLUMNS.join(",") + "\r\n" : "["));
          }
          const page = await listLinks(db, { limit: EXPORT_PAGE, after, q, tag, domain, scope });
          const links = (await presentLinks(c, page.rows)).map((l, i) => ({ ...l, ...page.micro[i] }));
          let text = "";
          for (const l of links) {
            text += format === "csv" ? csvLine(l) : `${first ? "\n" : ",\n"}${JSON.stringify(l)}`;
            first = false;
          }
          if (!page.next) text += format === "json" ? (first ? "]\n" : "\n]\n") : "";
          if (text) ctl.enqueue(enc.encode(text));
          if (!page.next) {
            ctl.close();
            finished();
          } else after = page.next;
        } catch (e) {
          console.error("export failed midway:", e instanceof Error ? e.message : e);
          ctl.error(e);
          finished();
        }
      },
      cancel() {
        finished();
      },
    });
    const name = `links-${new Date().toISOString().slice(0, 10)}.${format}`;
    return new Response(stream, {
      status: 200,
      headers: {
        "content-type": format === "csv" ? "text/csv; charset=utf-8" : "application/json; charset=utf-8",
        "content-disposition": `attachment; filename="${name}"`,
        "cache-control": "private, no-store",
      },
    }) as never;
  });
}
