import type { Context } from "hono";
import type { DashEnv } from "./dash-env.ts";
import { pageRange, type DashboardRange } from "./page-range.ts";

/** Where the stats of a page come from: one link's route, or the all-links one. */
export function statsPath(slug: string | undefined): string {
  return slug ? `/api/v1/links/${encodeURIComponent(slug)}/stats` : "/api/v1/stats";
}

/** The analytics page's query (range picker, bots, zone) -> the stats API's query. */
export function statsPageQuery(c: Context<DashEnv>): { range: DashboardRange; bots: string; query: Record<string, string> } {
  const q = c.req.query();
  const tz = c.var.tz;
  const range = pageRange(q, tz);
  // An unknown value goes to the API as typed: its 400 names the field, shown beside the control.
  const bots = q.bots ?? "exclude";
  return {
    range,
    bots,
    // The link's domain on a link's page; on the all-links page, a domain filter.
    query: { from: range.from.toISOString(), to: range.to.toISOString(), interval: range.interval, tz, bots, ...(q.domain ? { domain: q.domain } : {}) },
  };
}

/** The page's own query string, to carry the same range into the CSV link. */
export function sameQuery(c: Context<DashEnv>): string {
  const u = new URL(c.req.url);
  u.searchParams.set("tz", c.var.tz);
  return u.search;
}
