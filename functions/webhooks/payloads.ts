/**
 * What a webhook body carries: `{"type","timestamp","data"}`. Link events carry the Link as the API shows it
 * (built from the links row the outbox kept); clicks events carry enriched clicks, never the visitor hash.
 */
import { getTableColumns } from "drizzle-orm";
import { links, type LinkRow } from "../../db/schema.ts";
import type { WebhookClickRow } from "../../db/queries/webhooks.ts";
import { toLink } from "../api/links/present.ts";
import type { Link } from "../api/links/schemas.ts";

export const LINK_EVENTS = ["link.created", "link.updated", "link.deleted"] as const;
export const EVENT_TYPES = [...LINK_EVENTS, "clicks"] as const;
export type EventType = (typeof EVENT_TYPES)[number] | "ping";

/** Clicks one clicks delivery carries at most. */
export const CLICKS_PER_DELIVERY = 100;

export interface WebhookClick {
  id: string;
  linkId: string;
  slug: string | null;
  /** The short domain the click came in on; null for the deployment's default domain. */
  domain: string | null;
  timestamp: string;
  kind: string;
  country: string | null;
  region: string | null;
  city: string | null;
  device: string | null;
  browser: string | null;
  os: string | null;
  referrerHost: string | null;
  utm: { source: string | null; medium: string | null; campaign: string | null };
  destination: string | null;
}

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

/** The Link of a links row for a webhook: click counts are not part of an event (0). */
export function linkPayload(json: Record<string, unknown>, base: string): Link {
  const row = linkRowFromJson(json);
  // A link on another domain is shortened there (links.domain null = the default domain, base's host).
  const scheme = base ? new URL(base).protocol : "https:";
  const domain = row.domain ?? (base ? new URL(base).host : "");
  return toLink(row, row.domain ? `${scheme}//${row.domain}` : base, domain, 0);
}

export function clickPayload(c: WebhookClickRow): WebhookClick {
  return {
    id: c.id,
    linkId: c.linkId,
    slug: c.slug,
    domain: null,
    timestamp: new Date(c.ts).toISOString(),
    kind: c.kind,
    country: c.country,
    region: c.region,
    city: c.city,
    device: c.device,
    browser: c.browser,
    os: c.os,
    referrerHost: c.referrerHost,
    utm: { source: c.utmSource, medium: c.utmMedium, campaign: c.utmCampaign },
    destination: c.destination,
  };
}
