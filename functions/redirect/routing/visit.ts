/** A RoutingVisit from the redirect's visit: what it read of the request (once), and the short URL's query. */
import type { RoutingVisit } from "./facts.ts";

const text = (v: unknown) => (typeof v === "string" && v ? v : null);

/** What the redirect read of a request (functions/redirect/capture.ts Visit). */
export interface VisitRead {
  request: Request;
  url: URL;
  ts: number;
  ua: string;
  ip: string;
  geo: { country?: unknown; city?: unknown } | undefined;
}

export function routingVisit(v: VisitRead, visitorHash?: string | null): RoutingVisit {
  return {
    userAgent: v.ua,
    acceptLanguage: v.request.headers.get("accept-language"),
    ip: v.ip,
    country: text(v.geo?.country),
    city: text(v.geo?.city),
    // The text, not url.searchParams: parsed only if a query condition asks.
    query: v.url.search.slice(1),
    now: v.ts,
    visitorHash,
  };
}
