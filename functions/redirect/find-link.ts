/**
 * Which domain a request is on, and its link there. The host of PUBLIC_BASE_URL is the default domain; a
 * registered custom domain is itself; any other host is served as the default domain (so 127.0.0.1:8787
 * works in development, and a host pointed at the Worker before it was added still serves the default links).
 *
 * Round trips before the answer stay those of the link cache (get-link.ts): on the default domain's host the
 * domain table is not needed at all; on another host it comes from this isolate's copy, or, when that is
 * missing or stale, in ONE MGET with both candidate entries (the custom domain's and the default's), so a
 * Redis hit is still one round trip.
 */
import { linkCacheKey, redisKeys } from "../shared/redis-keys.ts";
import { bareHost, defaultHostname } from "../shared/hostnames.ts";
import { offerSalt, wantedSaltKey } from "../shared/visitor.ts";
import { getDomainTable, isolateDomainTable, type DomainServices, type DomainTable } from "./domain-cache.ts";
import { getLink, type CacheEntry, type LookupServices } from "./link-cache/index.ts";
import { isolateGet } from "./link-cache/isolate-tier.ts";
import { readOf } from "./link-cache/redis-tier.ts";

/** The domain of a request: null for the default, else the custom domain's hostname. */
export type DomainOf = string | null;

/** The domain `host` is served as, given the table. */
export const domainOfHost = (table: DomainTable, host: string, defaultHost: string): DomainOf =>
  host !== defaultHost && Object.hasOwn(table.custom, host) ? host : null;

/** The request's host and the default domain's, both bare. */
export function hostsOf(s: DomainServices, requestUrl: URL): { host: string; defaultHost: string } {
  return { host: bareHost(requestUrl.hostname), defaultHost: defaultHostname(s.config, requestUrl) };
}

/** The domain a request is on (reading the table only when the host is not the default's). */
export async function resolveDomain(s: DomainServices, requestUrl: URL): Promise<{ domain: DomainOf; table?: DomainTable }> {
  const { host, defaultHost } = hostsOf(s, requestUrl);
  if (host === defaultHost) return { domain: null };
  const table = await getDomainTable(s);
  return { domain: domainOfHost(table, host, defaultHost), table };
}

export async function findLink(
  s: DomainServices & LookupServices,
  requestUrl: URL,
  slug: string,
): Promise<{ domain: DomainOf; entry: CacheEntry }> {
  const { host, defaultHost } = hostsOf(s, requestUrl);
  if (host === defaultHost) return { domain: null, entry: await getLink(s, slug) };

  const known = isolateDomainTable(s.config);
  if (known) {
    const domain = domainOfHost(known, host, defaultHost);
    return { domain, entry: await getLink(s, slug, domain) };
  }
  // A custom domain's link this isolate still holds needs no round trip (it was cached while the domain was known).
  if (isolateGet(linkCacheKey(host, slug))) return { domain: host, entry: await getLink(s, slug, host) };

  let fetched: unknown[] | null = null;
  let failure: unknown;
  try {
    // Today's visitor salt rides along while this isolate lacks it (link-cache/redis-tier.ts says why).
    const salt = wantedSaltKey();
    fetched = await s.redis.mget<unknown[]>(redisKeys.domainTable, redisKeys.linkOn(host, slug), redisKeys.linkOn(null, slug), ...(salt ? [salt] : []));
    if (salt) offerSalt(fetched[3]);
  } catch (e) {
    failure = e;
  }
  const table = await getDomainTable(s, fetched ? { raw: fetched[0] } : { failed: true });
  const domain = domainOfHost(table, host, defaultHost);
  const read = async () => {
    if (!fetched) throw failure;
    return readOf(fetched[domain === null ? 2 : 1]);
  };
  return { domain, entry: await getLink(s, slug, domain, read) };
}
