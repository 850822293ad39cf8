/** Domain rows as the API shows them. */
import type { Context } from "hono";
import { countDomainLinks } from "../../../db/queries/domains.ts";
import { DEFAULT_DOMAIN_ROW, type DomainRow } from "../../../db/schema.ts";
import type { AppEnv } from "../../shared/app-env.ts";
import { invalidateDomainTable } from "../../redirect/domain-cache.ts";
import { makersOf, type CreatedBy } from "../created-by.ts";
import { hostnameOf } from "./resolve.ts";
import type { Domain } from "./schemas.ts";

export function toDomain(c: Context<AppEnv>, row: DomainRow, links: number, createdBy: CreatedBy): Domain {
  const isDefault = row.hostname === DEFAULT_DOMAIN_ROW;
  return {
    hostname: isDefault ? hostnameOf(c, null) : row.hostname,
    isDefault,
    rootRedirect: row.rootRedirect,
    notFoundRedirect: row.notFoundRedirect,
    links,
    createdBy,
    createdAt: row.createdAt.toISOString(),
  };
}

/** One domain with its link count. */
export async function presentDomain(c: Context<AppEnv>, row: DomainRow): Promise<Domain> {
  const links = await countDomainLinks(c.var.db(), row.hostname === DEFAULT_DOMAIN_ROW ? null : row.hostname);
  return toDomain(c, row, links, (await makersOf(c, [row.createdBy]))[0]);
}

/** After a committed change: the redirect's domain table is dropped, so the next redirect reads the change. */
export const domainsChanged = (c: Context<AppEnv>) => invalidateDomainTable(c.var.config, c.var.redis, c.executionCtx);
