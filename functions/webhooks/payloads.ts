/**
 * What a webhook body carries: `{"type","timestamp","data"}`. Link events carry the Link as the API shows it
 * (built from the links row the outbox kept); clicks events carry enriched clicks, never the visitor hash;
 * report.created carries the report (functions/api/reports/present.ts reportFields).
 */
import { getTableColumns } from "drizzle-orm";
import { links, type LinkRow } from "../../db/schema.ts";
import type { WebhookClickRow } from "../../db/queries/webhook-outbox.ts";
import { toLink } from "../api/links/present.ts";
import { createdByOf, type CreatedBy } from "../api/created-by.ts";
import type { Link } from "../api/links/schemas.ts";
import { reportFields, reportRowFromJson } from "../api/reports/present.ts";

export const LINK_EVENTS = ["link.created", "link.updated", "link.deleted", "link.health"] as const;
export const EVENT_TYPES = [...LINK_EVENTS, "clicks", "report.created"] as const;
export type EventType = (typeof EVENT_TYPES)[number] | "ping";

/** Clicks one clicks delivery carries at most. */
export const CLICKS_PER_DELIVERY = 100;

/** The enriched click of a clicks event: its columns in the API's camelCase, UTM grouped, time as ISO text. */
export type WebhookClick = Omit<WebhookClickRow, "ts" | "utmSource" | "utmMedium" | "utmCampaign"> & {
  timestamp: string;
  utm: { source: string | null; medium: string | null; campaign: string | null };
};

export function body(type: EventType, timestamp: Date, data: unknown): string {
  return JSON.stringify({ type, timestamp: timestamp.toISOString(), data });
}

const linkColumns = Object.entries(getTableColumns(links));

/** A links row from its to_jsonb form (snake_case, timestamps as text), whatever columns the table has. */
export function linkRowFromJson(json: Record<string, unknown>): LinkRow {
  const row: Record<string, unknown> = {};
  for (const [key, col] of linkColumns) {
    const v = json[col.name];
    row[key] = v === undefined || v === null ? (v ?? null) : col.dataType === "date" ? new Date(v as string) : v;
  }
  return row as LinkRow;
}

/**
 * The Link of a links row for a webhook: click counts are not part of an event (0); `creators` names the
 * makers of the batch's links (db/queries/creators.ts creatorsOf).
 */
export function linkPayload(json: Record<string, unknown>, base: string, creators: ReadonlyMap<string, CreatedBy & {}> = new Map()): Link {
  const row = linkRowFromJson(json);
  // A link on another domain is shortened there (links.domain null = the default domain, base's host).
  const scheme = base ? new URL(base).protocol : "https:";
  const domain = row.domain ?? (base ? new URL(base).host : "");
  return toLink(row, row.domain ? `${scheme}//${row.domain}` : base, domain, 0, createdByOf(row.createdBy ?? null, creators));
}

/** The report of a report.created event, from the link_reports row the outbox kept (to_jsonb). */
export function reportPayload(json: Record<string, unknown>): ReportEvent {
  return reportFields(reportRowFromJson(json));
}
export type ReportEvent = ReturnType<typeof reportFields>;

export function clickPayload({ ts, utmSource, utmMedium, utmCampaign, ...c }: WebhookClickRow): WebhookClick {
  return { ...c, timestamp: ts.toISOString(), utm: { source: utmSource, medium: utmMedium, campaign: utmCampaign } };
}
