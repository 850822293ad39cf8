/** Link rows as the API shows them: the Link JSON, with live human-click counts (ingested plus waiting). */
import type { Context } from "hono";
import type { LinkRow } from "../../../db/schema.ts";
import type { AppEnv } from "../../shared/app-env.ts";
import { humanClicksAndCreators } from "../../../db/queries/creators.ts";
import { createdByOf, creatorsFromCaller, type CreatedBy } from "../created-by.ts";
import { readPending } from "../../analytics/live.ts";
import { hostnameOf } from "../domains/resolve.ts";
import { shortOrigin } from "./rules.ts";
import type { Link } from "./schemas.ts";
import { presentPreview } from "./preview-schemas.ts";

/** `base` is the origin of short URLs on the link's domain, `domain` the hostname it is shown as. */
export function toLink(row: LinkRow, base: string, domain: string, clicks: number, createdBy: CreatedBy): Link {
  return {
    id: row.id,
    slug: row.slug,
    domain,
    shortUrl: `${base}/${row.slug}`, // as shortUrlOf writes it
    url: row.url,
    redirectType: row.redirectType as Link["redirectType"],
    title: row.title,
    tags: row.tags,
    validSince: row.validSince?.toISOString() ?? null,
    expiresAt: row.expiresAt?.toISOString() ?? null,
    maxClicks: row.maxClicks,
    // Rows from before these columns (an outbox event's to_jsonb) lack them: the columns' defaults.
    forwardQuery: row.forwardQuery ?? true,
    crawlable: row.crawlable ?? false,
    fallbackUrl: row.fallbackUrl,
    hasPassword: row.passwordHash !== null,
    // Stored only after the Rule and Variant schemas accepted them (rules.ts toValues).
    rules: row.rules as Link["rules"],
    variants: row.variants as Link["variants"],
    preview: presentPreview(row.preview),
    health: row.health
      ? { status: row.health.status, httpStatus: row.health.httpStatus ?? null, checkedAt: row.health.checkedAt, reason: row.health.reason ?? null }
      : null,
    // `?? null`: rows from before these columns (an outbox event's to_jsonb) lack them.
    disabled: (row.disabledAt ?? null) !== null,
    disabledReason: row.disabledAt ? (row.disabledReason ?? null) : null,
    disabledAt: row.disabledAt?.toISOString() ?? null,
    warning: row.warning ?? null,
    clicks,
    createdBy,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/**
 * Human clicks of `rows`, all time: the ingested ones plus those still waiting in the click stream (one Redis
 * read, functions/analytics/live.ts); and their makers, read in the same Postgres query as the counts. A count
 * is a nicety next to the link itself: when Redis fails the ingested figure is answered alone, and the failure
 * is logged.
 */
export async function clickCountsAndMakers(c: Context<AppEnv>, rows: LinkRow[]): Promise<{ counts: number[]; makers: CreatedBy[] }> {
  if (!rows.length) return { counts: [], makers: [] };
  const [ingested, pending] = await Promise.all([
    humanClicksAndCreators(c.var.db(), rows.map((r) => r.id), rows.map((r) => r.createdBy)),
    readPending(c.var.redis).catch((e) => {
      console.error("waiting clicks unavailable, counting ingested ones only:", e instanceof Error ? e.message : e);
      return null;
    }),
  ]);
  return {
    counts: rows.map((r) => (ingested.clicks.get(r.id) ?? 0) + (pending?.byLink.get(r.id)?.humans ?? 0)),
    makers: rows.map((r) => createdByOf(r.createdBy, ingested.creators)),
  };
}

export const clickCounts = async (c: Context<AppEnv>, rows: LinkRow[]) => (await clickCountsAndMakers(c, rows)).counts;

/** Link JSON for rows, counting clicks unless `fresh` (a link created this request, by the caller, has none). */
export async function presentLinks(c: Context<AppEnv>, rows: LinkRow[], fresh = false): Promise<Link[]> {
  const mine = creatorsFromCaller(c.var.principal);
  const { counts, makers } = fresh
    ? { counts: rows.map(() => 0), makers: rows.map((r) => createdByOf(r.createdBy, mine)) }
    : await clickCountsAndMakers(c, rows);
  return rows.map((row, i) => toLink(row, shortOrigin(c, row.domain), hostnameOf(c, row.domain), counts[i], makers[i]));
}

/** A link's shortUrl, without the rest of its Link (the QR code encodes it). */
export const shortUrlOf = (c: Context<AppEnv>, row: Pick<LinkRow, "domain" | "slug">) => `${shortOrigin(c, row.domain)}/${row.slug}`;
