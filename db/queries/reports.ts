/**
 * The SQL of link_reports: filing a report (with its report.created webhook event in the same statement),
 * the admins' queue, and resolving one (the link's disable, the report's status and both audit entries in one
 * transaction).
 */
import { and, desc, eq, getTableColumns, lt, sql } from "drizzle-orm";
import type { Db } from "../client.ts";
import { linkReports, links, webhookOutbox, webhookEndpoints, type LinkReportRow, type LinkRow } from "../schema.ts";
import { LINK_AUDIT, withAudit, type AuditedTable } from "./audit.ts";
import type { Principal } from "../../functions/shared/auth/scopes.ts";

export const REPORT_AUDIT: AuditedTable = { kind: "report", key: "id", hidden: [] };

export type NewReport = Pick<typeof linkReports.$inferInsert, "linkId" | "target" | "reason" | "details" | "email">;

/**
 * Inserts a report and, while some enabled webhook endpoint wants report.created, its outbox event, in ONE
 * statement: the event exists if and only if the report does.
 */
export async function insertReport(db: Db, report: NewReport): Promise<LinkReportRow> {
  const inserted = db.$with("inserted").as(db.insert(linkReports).values(report).returning());
  const event = db.$with("event", {}).as(sql`
    insert into ${webhookOutbox} (type, link_id, "row")
    select 'report.created', ${sql.identifier("inserted")}.link_id, to_jsonb(${sql.identifier("inserted")}) from ${sql.identifier("inserted")}
    where exists (select 1 from ${webhookEndpoints} where enabled and 'report.created' = any(events))`);
  const [row] = (await db.with(inserted, event).select().from(inserted as never)) as LinkReportRow[];
  return { ...row, createdAt: new Date(row.createdAt), resolvedAt: row.resolvedAt ? new Date(row.resolvedAt) : null };
}

/** A report with the link it names (null when it named none, or the link is gone). */
export type ReportWithLink = LinkReportRow & { link: Pick<LinkRow, "slug" | "domain" | "url" | "disabledAt"> | null };

/** One page, newest first: reports below `beforeId` of `status` (every status when absent). */
export async function listReports(db: Db, f: { status?: string; beforeId?: number; limit: number }): Promise<{ rows: ReportWithLink[]; next: number | null }> {
  const page = await db
    .select({ ...getTableColumns(linkReports), slug: links.slug, domain: links.domain, url: links.url, disabledAt: links.disabledAt })
    .from(linkReports)
    .leftJoin(links, eq(links.id, linkReports.linkId))
    .where(and(f.status === undefined ? undefined : eq(linkReports.status, f.status), f.beforeId === undefined ? undefined : lt(linkReports.id, f.beforeId)))
    .orderBy(desc(linkReports.id))
    .limit(f.limit + 1);
  const rows = page.slice(0, f.limit).map(({ slug, domain, url, disabledAt, ...r }) => ({
    ...r,
    link: slug === null || url === null ? null : { slug, domain, url, disabledAt },
  }));
  return { rows, next: page.length > f.limit ? rows[rows.length - 1].id : null };
}

export type ResolveOutcome =
  | { kind: "missing" }
  | { kind: "resolved"; status: string }
  | { kind: "no-link" }
  | { kind: "done"; report: LinkReportRow; link: LinkRow | null; disabled: boolean };

/**
 * Resolves an open report, in one transaction: with "disable", its link is disabled (the reason shown on the
 * link's page) and both changes are audit-logged; "dismiss" only closes the report. The report is locked
 * first, so two admins resolving it at once cannot both succeed.
 */
export async function resolveReport(
  db: Db, id: number, action: "disable" | "dismiss", reason: string | null, actor: Principal,
): Promise<ResolveOutcome> {
  return db.transaction(async (tx): Promise<ResolveOutcome> => {
    const [report] = await tx.select().from(linkReports).where(eq(linkReports.id, id)).for("update");
    if (!report) return { kind: "missing" };
    if (report.status !== "open") return { kind: "resolved", status: report.status };
    let link: LinkRow | null = null;
    if (action === "disable") {
      if (report.linkId === null) return { kind: "no-link" };
      const where = eq(links.id, report.linkId);
      const update = tx.update(links)
        .set({ disabledAt: sql`now()`, disabledReason: reason, updatedAt: sql`now()`, version: sql`${links.version} + 1` })
        .where(where).returning();
      [link] = await withAudit(tx, update, { actor, action: "link.updated", table: LINK_AUDIT, returned: "after", before: { from: links, where } });
      if (!link) return { kind: "no-link" };
    }
    const where = eq(linkReports.id, id);
    const close = tx.update(linkReports)
      .set({ status: action === "disable" ? "disabled" : "dismissed", resolvedAt: sql`now()`, resolvedBy: actor.id })
      .where(where).returning();
    const [closed] = await withAudit(tx, close, { actor, action: "report.resolved", table: REPORT_AUDIT, returned: "after", before: { from: linkReports, where } });
    // A dismissed report is shown with its link as it is.
    if (!link && report.linkId !== null) [link = null] = await tx.select().from(links).where(eq(links.id, report.linkId));
    return { kind: "done", report: closed, link, disabled: action === "disable" };
  });
}
