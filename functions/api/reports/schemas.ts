/** A report of a link, and the bodies and parameters of the reports routes: validation and documentation in one. */
import { z } from "@hono/zod-openapi";
import { HostnameRef } from "../../shared/hostnames.ts";
import { isWellFormed, NOT_WELL_FORMED } from "../../shared/validation.ts";
import { Slug } from "../links/schemas.ts";
import { MAX_URL_LENGTH } from "../links/http-url.ts";

export const REPORT_REASONS = ["phishing", "malware", "spam", "broken", "other"] as const;
export const REPORT_STATUSES = ["open", "disabled", "dismissed"] as const;
/** The longest details a reporter may write. */
export const MAX_REPORT_DETAILS = 1000;
/** A report body is a few hundred bytes; 4 KiB bounds what a stranger can make the Worker read. */
export const MAX_REPORT_BODY_BYTES = 4 * 1024;

/** Text that Postgres can store as sent, without control characters other than line breaks and tabs. */
const text = (max: number) =>
  z.string().max(max)
    .refine((s) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(s), "must not contain control characters")
    .refine(isWellFormed, NOT_WELL_FORMED);

const Reason = z.enum(REPORT_REASONS).openapi({ description: "What is wrong with the link" });
const Email = z.email().max(254).openapi({ type: "string", format: "email", description: "How the admins may reach you (optional)" });

export const ReportInput = z
  .strictObject({
    url: text(MAX_URL_LENGTH).min(1).optional().openapi({ description: "The short URL, as you saw it (give this or `slug`)", example: "https://sho.rt/launch-2026" }),
    slug: Slug.optional().openapi({ description: "The short link's slug (give this or `url`)" }),
    domain: HostnameRef.optional().openapi({ description: "With `slug`: the link's domain; the default domain when absent" }),
    reason: Reason,
    details: text(MAX_REPORT_DETAILS).nullish().openapi({ description: `What you saw, at most ${MAX_REPORT_DETAILS} characters` }),
    email: Email.nullish(),
  })
  .superRefine((r, ctx) => {
    if ((r.url === undefined) === (r.slug === undefined)) ctx.addIssue({ code: "custom", path: ["url"], message: "give exactly one of url and slug" });
    if (r.domain !== undefined && r.slug === undefined) ctx.addIssue({ code: "custom", path: ["domain"], message: "goes with slug (a url names its domain itself)" });
  })
  .openapi("ReportInput");
export type ReportInput = z.infer<typeof ReportInput>;

export const ReportReceipt = z.object({ id: z.string() }).openapi("ReportReceipt");

/** A report as a webhook carries it (report.created): what the reporter sent, and where it stands. */
export const ReportFields = z.object({
  id: z.string().openapi({ description: "Increases with each report" }),
  linkId: z.string().nullable().openapi({ description: "The reported link; null when the report named no link of this service" }),
  target: z.string().openapi({ description: "The short URL or slug as the reporter gave it" }),
  reason: Reason,
  details: z.string().nullable(),
  email: z.string().nullable(),
  status: z.enum(REPORT_STATUSES),
  createdAt: z.string(),
  resolvedAt: z.string().nullable(),
  resolvedBy: z.string().nullable().openapi({ description: "The id of the person or key that resolved it" }),
});

export const Report = ReportFields.extend({
  link: z
    .object({ slug: z.string(), domain: z.string(), shortUrl: z.string(), url: z.string(), disabled: z.boolean() })
    .nullable()
    .openapi({ description: "The link as it is now; null when the report named none, or it was deleted since" }),
}).openapi("Report");
export type Report = z.infer<typeof Report>;

export const ReportPage = z.object({ data: z.array(Report), nextCursor: z.string().nullable() }).openapi("ReportPage");

export const ReportsQuery = z.strictObject({
  status: z.enum(REPORT_STATUSES).optional().openapi({ description: "Only reports in this state; every state when absent" }),
  limit: z.coerce.number().int().min(1).max(100).default(50).openapi({ type: "integer", description: "Page size, 1 to 100" }),
  cursor: z.string().max(500).optional().openapi({ description: "nextCursor of the previous page (with the same status)" }),
});

export const ReportIdParams = z.object({
  id: z.string().regex(/^[1-9][0-9]{0,15}$/, "is not a report id").openapi({ param: { name: "id", in: "path" }, example: "42" }),
});

export const ResolveInput = z
  .strictObject({
    action: z.enum(["disable", "dismiss"]).openapi({ description: "disable: the link answers 410 from now on; dismiss: nothing changes" }),
    reason: text(500).min(1).nullish().openapi({ description: "With disable: shown on the disabled link's page" }),
  })
  .openapi("ResolveReportInput");
