/**
 * From what a client names to what is stored: a hostname to a domain (null = the default, links.domain's
 * value), and an API key's restrictions to the links it may see. A domain that does not exist and a domain
 * the key may not use answer alike (404), so a restricted key learns nothing of the others.
 */
import { inArray } from "drizzle-orm";
import type { LinkScope } from "../../../db/queries/links.ts";
import { DEFAULT_DOMAIN_ROW, domains } from "../../../db/schema.ts";
import type { AppEnv } from "../../shared/app-env.ts";
import type { Principal } from "../../shared/auth/scopes.ts";
import { ApiError } from "../../shared/errors.ts";
import { defaultHostname } from "../../shared/hostnames.ts";

/**
 * What these helpers read of a request. A Hono context has it, and so does a background import, which acts
 * for the key that sent the file (functions/imports/jobs.ts).
 */
export interface LinkCtx {
  var: Pick<AppEnv["Variables"], "config" | "db" | "principal">;
  req: { url: string };
}

type C = LinkCtx;

/** The stored domain: null for the default domain, else the custom domain's hostname. */
export type DomainRef = string | null;

/** What a key's restrictions leave it of the links. */
export function linkScopeOf(p: Principal | undefined): LinkScope {
  return { domains: p?.domains ?? null, createdBy: p?.ownLinksOnly ? p.id : null };
}

/** Whether the key may see and create links on `ref`. */
export const mayUseDomain = (p: Principal | undefined, ref: DomainRef) => !p?.domains || p.domains.includes(ref ?? DEFAULT_DOMAIN_ROW);

/** The hostname a stored domain is shown as. */
export const hostnameOf = (c: C, ref: DomainRef) => ref ?? defaultHostname(c.var.config, c.req.url);

export const unknownDomain = (hostname: string) =>
  new ApiError(404, `No domain "${hostname}" is served here.`, { errors: [{ path: "domain", message: "is not a domain of this service" }] });

/**
 * The stored domain of each hostname (undefined or null: the default), or undefined for one that is not a
 * domain of this service or that the caller may not use. One query for all the custom ones.
 */
export async function lookupDomains(c: C, names: readonly (string | null | undefined)[]): Promise<Map<string | null | undefined, DomainRef | undefined>> {
  const def = defaultHostname(c.var.config, c.req.url);
  const out = new Map<string | null | undefined, DomainRef | undefined>();
  const custom = [...new Set(names.filter((n): n is string => typeof n === "string" && n !== def))];
  const found = custom.length
    ? new Set((await c.var.db().select({ h: domains.hostname }).from(domains).where(inArray(domains.hostname, custom))).map((r) => r.h))
    : new Set<string>();
  const principal = c.var.principal;
  for (const n of names) {
    const ref: DomainRef | undefined = n === undefined || n === null || n === def ? null : found.has(n) && n !== DEFAULT_DOMAIN_ROW ? n : undefined;
    out.set(n, ref !== undefined && mayUseDomain(principal, ref) ? ref : undefined);
  }
  return out;
}

/** The stored domain a request names (`?domain=` or a body field), or a 404 for an unknown or forbidden one. */
export async function resolveDomainRef(c: C, hostname: string | null | undefined): Promise<DomainRef> {
  const ref = (await lookupDomains(c, [hostname])).get(hostname);
  if (ref === undefined) throw unknownDomain(hostname ?? hostnameOf(c, null));
  return ref;
}
