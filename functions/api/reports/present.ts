/** Report rows as the API and webhooks show them. */
import type { Context } from "hono";
import type { LinkReportRow } from "../../../db/schema.ts";
import type { ReportWithLink } from "../../../db/queries/reports.ts";
import type { AppEnv } from "../../shared/app-env.ts";
import { hostnameOf } from "../domains/resolve.ts";
import { shortOrigin } from "../links/rules.ts";
import type { Report } from "./schemas.ts";

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

/** The report's own fields (a webhook's report.created carries these). */
export function reportFields(r: LinkReportRow): Omit<Report, "link"> {
  return {
    id: String(r.id),
    linkId: r.linkId,
    target: r.target,
    reason: r.reason as Report["reason"],
    details: r.details,
    email: r.email,
    status: r.status as Report["status"],
    createdAt: iso(r.createdAt)!,
    resolvedAt: iso(r.resolvedAt),
    resolvedBy: r.resolvedBy,
  };
}

export function presentReport(c: Context<AppEnv>, r: ReportWithLink): Report {
  const l = r.link;
  return {
    ...reportFields(r),
    link: l && {
      slug: l.slug, domain: hostnameOf(c, l.domain), shortUrl: `${shortOrigin(c, l.domain)}/${l.slug}`, url: l.url, disabled: l.disabledAt !== null,
    },
  };
}

/** A link_reports row from its to_jsonb form (snake_case), as the webhook outbox keeps it. */
export function reportRowFromJson(j: Record<string, unknown>): LinkReportRow {
  return {
    id: Number(j.id), linkId: (j.link_id as string | null) ?? null, target: String(j.target), reason: String(j.reason),
    details: (j.details as string | null) ?? null, email: (j.email as string | null) ?? null, status: String(j.status),
    resolvedAt: j.resolved_at ? new Date(j.resolved_at as string) : null, resolvedBy: (j.resolved_by as string | null) ?? null,
    createdAt: new Date(j.created_at as string),
  };
}
