/** A RoutingVisit from the redirect's request: headers, Cloudflare's geolocation and the short URL's query. */
import { clientIp } from "../../shared/visitor.ts";
import type { RoutingVisit } from "./facts.ts";

const text = (v: unknown) => (typeof v === "string" && v ? v : null);

export function routingVisit(request: Request, url: URL, now: number, visitorHash?: string | null): RoutingVisit {
  const h = request.headers;
  const cf = request.cf as { country?: unknown; city?: unknown } | undefined;
  return {
    userAgent: h.get("user-agent"),
    acceptLanguage: h.get("accept-language"),
    ip: clientIp(h),
    country: text(cf?.country),
    city: text(cf?.city),
    // The text, not url.searchParams: parsed only if a query condition asks.
    query: url.search.slice(1),
    now,
    visitorHash,
  };
}
