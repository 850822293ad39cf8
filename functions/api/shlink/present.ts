/** Our rows in Shlink's shapes: short URLs, visits, pagination; dates in ATOM form (PHP's DATE_ATOM). */
import type { Context } from "hono";
import type { ClickWithLink } from "../../../db/queries/clicks.ts";
import { NO_VISITS, selectVisitTotals, type VisitTotals } from "../../../db/queries/visit-totals.ts";
import type { LinkRow } from "../../../db/schema.ts";
import type { AppEnv } from "../../shared/app-env.ts";
import { shortOrigin } from "../links/rules.ts";
import type { Pagination, ShortUrl, ShlinkVisit } from "./schemas.ts";

/** 2026-01-31T10:00:00+00:00: Shlink's date format (seconds, numeric zone). */
export const atom = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, "+00:00");

export function toShortUrl(row: LinkRow, base: string, visits: VisitTotals): ShortUrl {
  return {
    shortCode: row.slug,
    shortUrl: `${base}/${row.slug}`,
    longUrl: row.url,
    dateCreated: atom(row.createdAt),
    tags: row.tags,
    meta: {
      validSince: row.validSince ? atom(row.validSince) : null,
      validUntil: row.expiresAt ? atom(row.expiresAt) : null,
      maxVisits: row.maxClicks,
    },
    domain: row.domain,
    title: row.title,
    crawlable: row.crawlable,
    forwardQuery: row.forwardQuery,
    visitsSummary: { ...visits },
    hasRedirectRules: row.rules.length > 0,
  };
}

/** Short URLs of `rows`, with their all-time ingested visits in one query (none for a link made just now). */
export async function presentShortUrls(c: Context<AppEnv>, rows: LinkRow[], fresh = false): Promise<ShortUrl[]> {
  const totals = fresh ? new Map<string, VisitTotals>() : await selectVisitTotals(c.var.db(), rows.map((r) => r.id));
  return rows.map((row) => toShortUrl(row, shortOrigin(c, row.domain), totals.get(row.id) ?? NO_VISITS));
}

// Isolate-lifetime: building a DisplayNames loads locale data; one serves every request.
let regionNames: Intl.DisplayNames | null | undefined;
function countryName(code: string): string {
  if (regionNames === undefined) {
    try {
      regionNames = new Intl.DisplayNames(["en"], { type: "region" });
    } catch {
      regionNames = null;
    }
  }
  try {
    return regionNames?.of(code.toUpperCase()) ?? code;
  } catch {
    return code;
  }
}

/** A raw click as a Shlink visit; `base` is the origin of short URLs on its link's domain. */
export function toVisit(click: ClickWithLink, base: string): ShlinkVisit {
  const located = click.country || click.region || click.city;
  return {
    referer: click.referrer ?? "",
    date: atom(click.ts),
    userAgent: click.userAgent ?? "",
    visitLocation: located
      ? {
          countryCode: click.country,
          countryName: click.country ? countryName(click.country) : null,
          regionName: click.region,
          cityName: click.city,
          // Not kept: Cloudflare's coordinates and zone would say more about a visitor than a count needs.
          latitude: null,
          longitude: null,
          timezone: null,
          isEmpty: false,
        }
      : null,
    potentialBot: click.kind !== "human",
    visitedUrl: `${base}/${click.slug}${click.query ? `?${click.query}` : ""}`,
    redirectUrl: click.chosenUrl,
  };
}

/** `perPage` null: everything on one page. */
export function pagination(page: number, perPage: number | null, inPage: number, total: number): Pagination {
  if (perPage === null) return { currentPage: 1, pagesCount: 1, itemsPerPage: total, itemsInCurrentPage: inPage, totalItems: total };
  return { currentPage: page, pagesCount: Math.ceil(total / perPage), itemsPerPage: perPage, itemsInCurrentPage: inPage, totalItems: total };
}
