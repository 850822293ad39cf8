/**
 * Whether a destination is a short link of this deployment. A link on `a.example.com` to `b.example.com/x`
 * and one on `b` back to `a` would send a browser round and round, a click counted at every hop, so every
 * path that writes a destination (create, patch, bulk, import, Shlink's routes; a link's url, fallbackUrl,
 * rules and variants) refuses one whose host is served here and whose path the Worker answers with a redirect.
 *
 * Served hosts: every custom domain, the default domain (PUBLIC_BASE_URL's host) and the host the request
 * came in on. Other names routed to the Worker (its workers.dev address, say) are not known to it, and a host
 * that is not a domain is answered as the default domain: a destination there is not caught.
 *
 * Redirect paths, as the Worker routes them (functions/app.ts): `/` (the domain's rootRedirect, or the
 * dashboard) and `/{slug}`, one segment of the slug pattern once percent-decoded (the router decodes it:
 * `/%6Coop` is `/loop`), whether or not a link has that slug yet (a link made later would close the loop, and
 * an unknown slug goes to the domain's notFoundRedirect). Reserved words never name a link and are the fixed
 * routes (`/app`, `/docs`): those, and every path of more than one segment (`/app/links`, `/api/...`), may be
 * linked to.
 */
import { selectServedAndBlocked } from "../../../db/queries/blocklist.ts";
import { bareHost, defaultHostname } from "../../shared/hostnames.ts";
import { isReservedSlug, SLUG_PATTERN } from "../../shared/slugs.ts";
import type { LinkCtx } from "../domains/resolve.ts";

export const SHORT_LINK_LOOP =
  "must not point at a short link on a domain this deployment serves: the visit would loop, counting a click at every hop";

/** Hostnames, lowercase and without a trailing dot (bareHost). */
export type ServedHosts = ReadonlySet<string>;

/** The hosts served here: one query for a whole request (or import batch), however many links it writes. */
export async function servedHosts(c: LinkCtx): Promise<ServedHosts> {
  return (await servedAndBlocked(c, [])).served;
}

/**
 * servedHosts, and which of `rules` are on the blocklist (functions/abuse/block-hosts.ts, rulesMatching), in
 * the same one statement: the blocklist costs a link write no query of its own.
 */
export async function servedAndBlocked(c: LinkCtx, rules: readonly string[]): Promise<{ served: ServedHosts; blocked: ReadonlySet<string> }> {
  const { custom, blocked } = await selectServedAndBlocked(c.var.db(), rules);
  const hosts = new Set(custom);
  hosts.add(defaultHostname(c.var.config, c.req.url));
  hosts.add(bareHost(new URL(c.req.url).hostname));
  return { served: hosts, blocked: new Set(blocked) };
}

/** Whether the Worker answers a GET of `pathname` with a redirect of its own (see above). */
export function isRedirectPath(pathname: string): boolean {
  if (pathname === "/") return true;
  let path: string;
  try {
    path = decodeURI(pathname);
  } catch {
    return false; // the router leaves such a sequence encoded: a "%" no slug has
  }
  const slug = path.slice(1);
  return SLUG_PATTERN.test(slug) && !isReservedSlug(slug);
}

/** `url` (an http(s) URL its schema accepted) would be answered by a redirect of this deployment. */
export function pointsAtShortLink(hosts: ServedHosts, url: string): boolean {
  const u = new URL(url);
  return hosts.has(bareHost(u.hostname)) && isRedirectPath(u.pathname);
}
