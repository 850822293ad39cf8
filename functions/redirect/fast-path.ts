/**
 * The redirect's fast path: a GET or HEAD of a slug whose link is in this isolate's cache and is served
 * directly (no password, no click limit, not expired), answered before the Hono app is entered. That request
 * is most of the traffic, and the app's router, context, middleware and schema validation were a quarter of
 * its CPU under load (bench:profile). The answer is serveLink's, built by the same functions (newVisit,
 * sendToLink, which applies the link's routing rules and variants; previewAnswer, a fetcher's preview card);
 * anything else returns null and the app answers it, so this path can only ever be a shortcut:
 * - a path that is not one slug (`/a/b`, `/%41`, `/a/`) or is reserved (every fixed route of the app is:
 *   test/redirect-fast-path.happy.test.ts checks the route table) goes to the app's routes;
 * - a cache miss goes to the app, which fills the cache;
 * - a request with a body goes to the app, whose body limit answers 413 on every path;
 * - an invalid configuration goes to the app, which answers its problem;
 * - a host other than the default domain's, when this isolate does not hold the table of domains, goes to
 *   the app (find-link.ts), which reads it with the link; with the table, a custom domain's cached link is
 *   served here like a default one.
 */
import { isReservedSlug, SLUG_PATTERN } from "../shared/slugs.ts";
import { parseEnv, type RawEnv } from "../shared/env.ts";
import { bareHost, defaultHostname } from "../shared/hostnames.ts";
import { linkCacheKey } from "../shared/redis-keys.ts";
import { isolateDomainTable } from "./domain-cache.ts";
import { domainOfHost } from "./find-link.ts";
import { requestServices } from "../shared/services.ts";
import { isolateGet } from "./link-cache/isolate-tier.ts";
import { isLink } from "./link-cache/entry.ts";
import { newVisit } from "./capture.ts";
import { previewAnswer, sendToLink, servedDirectly } from "./serve-link.ts";

export function fastRedirect(request: Request, env: RawEnv, ctx: Pick<ExecutionContext, "waitUntil">): Response | null {
  // A body, even on a GET, is the app's to bound (413 past its limit, as on every path).
  if ((request.method !== "GET" && request.method !== "HEAD") || request.body !== null) return null;
  const url = new URL(request.url);
  const slug = url.pathname.slice(1);
  if (!SLUG_PATTERN.test(slug) || isReservedSlug(slug)) return null;
  let key = slug;
  let config: ReturnType<typeof parseEnv>;
  try {
    config = parseEnv(env);
    const host = bareHost(url.hostname);
    const defaultHost = defaultHostname(config, url);
    if (host !== defaultHost) {
      const table = isolateDomainTable(config);
      if (!table) return null;
      key = linkCacheKey(domainOfHost(table, host, defaultHost), slug);
    }
  } catch {
    return null;
  }
  const link = isolateGet(key);
  if (!link || !isLink(link)) return null;
  const visit = newVisit(request, url, slug);
  if (!servedDirectly(link, visit.ts)) return null;
  const s = requestServices(env, ctx, config);
  // A link-preview fetcher of a link with a card gets the card (one property read for every other link).
  const response = previewAnswer(s, visit, link) ?? sendToLink(s, visit, link, link.redirectType);
  s.settle();
  return response;
}
