/** Domain rows as the API shows them, and the cache invalidation after a domain changed. */
import type { Context } from "hono";
import { countDomainLinks, type DomainSummaryRow } from "../../../db/queries/domains.ts";
import { DEFAULT_DOMAIN_ROW, type DomainRow } from "../../../db/schema.ts";
import type { AppEnv } from "../../shared/app-env.ts";
import { redisKeys } from "../../shared/redis-keys.ts";
import { forgetAppFiles } from "../../redirect/app-files.ts";
import { deleteAfterCommit, forgetDomainTable } from "../../redirect/domain-cache.ts";
import { makersOf, type CreatedBy } from "../created-by.ts";
import { hostnameOf } from "./resolve.ts";
import type { Domain, DomainDetails } from "./schemas.ts";

export function toDomain(c: Context<AppEnv>, row: DomainSummaryRow, links: number, createdBy: CreatedBy): Domain {
  const isDefault = row.hostname === DEFAULT_DOMAIN_ROW;
  return {
    hostname: isDefault ? hostnameOf(c, null) : row.hostname,
    isDefault,
    rootRedirect: row.rootRedirect,
    notFoundRedirect: row.notFoundRedirect,
    hasAppleAppSiteAssociation: row.hasAppleAppSiteAssociation,
    hasAssetLinks: row.hasAssetLinks,
    hasQrLogo: row.hasQrLogo,
    links,
    createdBy,
    createdAt: row.createdAt.toISOString(),
  };
}

/** A whole row as a summary (what the list reads without the large columns). */
export function summarize(row: DomainRow): DomainSummaryRow {
  const { appleAppSiteAssociation, assetLinks, qrLogo, ...rest } = row;
  return { ...rest, hasAppleAppSiteAssociation: appleAppSiteAssociation !== null, hasAssetLinks: assetLinks !== null, hasQrLogo: qrLogo !== null };
}

/** One domain with its link count, files and logo; `known`: what the caller knows already (a new domain's). */
export async function presentDomain(c: Context<AppEnv>, row: DomainRow, known: { links?: number; createdBy?: CreatedBy } = {}): Promise<DomainDetails> {
  const links = known.links ?? (await countDomainLinks(c.var.db(), row.hostname === DEFAULT_DOMAIN_ROW ? null : row.hostname));
  const createdBy = known.createdBy !== undefined ? known.createdBy : (await makersOf(c, [row.createdBy]))[0];
  return {
    ...toDomain(c, summarize(row), links, createdBy),
    // The stored text is what JSON.stringify wrote, so it parses back to the value that was sent.
    appleAppSiteAssociation: row.appleAppSiteAssociation === null ? null : JSON.parse(row.appleAppSiteAssociation),
    assetLinks: row.assetLinks === null ? null : JSON.parse(row.assetLinks),
    qrLogo: row.qrLogo,
  };
}

/**
 * After a committed change, what the redirect and /.well-known/ read of domains is dropped from this
 * isolate and deleted from Redis in ONE command (retried): the table of redirects when `redirects` changed
 * (or the domain came or went), the app files of `appFilesOf` (null: the default domain) when they did.
 */
export function domainsChanged(c: Context<AppEnv>, what: { redirects: boolean; appFilesOf?: string | null } = { redirects: true }): Promise<void> {
  const keys: string[] = [];
  if (what.redirects) {
    forgetDomainTable(c.var.config);
    keys.push(redisKeys.domainTable);
  }
  if (what.appFilesOf !== undefined) {
    forgetAppFiles(c.var.config, what.appFilesOf);
    keys.push(redisKeys.appFiles(what.appFilesOf));
  }
  return deleteAfterCommit(c.var.redis, c.executionCtx, keys);
}
