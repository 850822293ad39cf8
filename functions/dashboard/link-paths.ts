/**
 * A link's pages are /app/links/{slug}...; a link on a custom domain carries `?domain={hostname}` through
 * them, as the API's link routes do (without it, the default domain), so old bookmarks of default-domain
 * links keep working.
 */
import type { Context } from "hono";
import type { Link } from "../api/links/schemas.ts";
import { defaultHostname } from "../shared/hostnames.ts";
import type { DashEnv } from "./dash-env.ts";

/** The ?domain= of the page (undefined: the default domain). */
export const pageDomain = (c: Context<DashEnv>): string | undefined => c.req.query("domain") || undefined;

/** The domain a link's pages name: undefined for the default domain's links. */
export function domainOfLink(c: Context<DashEnv>, link: Pick<Link, "domain">): string | undefined {
  return link.domain === defaultHostname(c.var.config, c.req.url) ? undefined : link.domain;
}

/** `/app/links/{slug}{suffix}`, with ?domain= when the link is not on the default domain. */
export function linkPage(slug: string, domain: string | undefined, suffix = ""): string {
  return `/app/links/${encodeURIComponent(slug)}${suffix}${domain ? `?domain=${encodeURIComponent(domain)}` : ""}`;
}

/** The API query naming the page's link. */
export const domainQuery = (domain: string | undefined) => (domain ? { domain } : {});

/** Is the session's key an admin (the domains list is an admin route)? */
export const isAdminSession = (c: Context<DashEnv>) => c.var.session.scopes.includes("admin");
