/** What a /rest request names, as stored: a domain (hostname or DEFAULT) and a short URL (short code + domain). */
import type { Context } from "hono";
import { selectLinkBySlug } from "../../../db/queries/links.ts";
import type { LinkRow } from "../../../db/schema.ts";
import type { AppEnv } from "../../shared/app-env.ts";
import { ApiError } from "../../shared/errors.ts";
import { isReservedSlug, SLUG_PATTERN } from "../../shared/slugs.ts";
import { linkScopeOf, resolveDomainRef, type DomainRef } from "../domains/resolve.ts";
import { domainNotFound, shortUrlNotFound } from "./errors.ts";

/** Shlink's name of the default domain in a query (the schema has lowercased it). */
const DEFAULT = "default";

/**
 * The stored domain `name` refers to (absent, DEFAULT or the default hostname: null), or undefined when it
 * is not a domain here or the key may not use it.
 */
export async function findDomain(c: Context<AppEnv>, name: string | null | undefined): Promise<DomainRef | undefined> {
  if (name === undefined || name === null || name === "" || name === DEFAULT) return null;
  try {
    return await resolveDomainRef(c, name);
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return undefined;
    throw e;
  }
}

/** The stored domain `name` refers to, or Shlink's domain-not-found. */
export async function requireDomain(c: Context<AppEnv>, name: string | null | undefined): Promise<DomainRef> {
  const ref = await findDomain(c, name);
  if (ref === undefined) throw domainNotFound(name ?? "");
  return ref;
}

/** The link of `shortCode` on the domain `domain` names, as the key may see it; short-url-not-found otherwise. */
export async function findShortUrl(c: Context<AppEnv>, shortCode: string, domain: string | undefined): Promise<{ row: LinkRow; ref: DomainRef }> {
  const ref = await findDomain(c, domain);
  const row =
    ref === undefined || !SLUG_PATTERN.test(shortCode) || isReservedSlug(shortCode)
      ? undefined
      : await selectLinkBySlug(c.var.db(), ref, shortCode, linkScopeOf(c.var.principal));
  if (!row) throw shortUrlNotFound(shortCode, domain);
  return { row, ref: ref! };
}
