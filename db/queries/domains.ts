/**
 * The SQL of domains: the domains API, the redirect's table of domain redirects, the well-known app files
 * (functions/redirect/app-files.ts) and the QR logo. The three large columns (association files and logo, up
 * to 64 KB each) are read only where they are needed: never by the lists nor by the redirect's table.
 */
import { asc, eq, isNull, sql } from "drizzle-orm";
import type { Db } from "../client.ts";
import { DEFAULT_DOMAIN_ROW, domains, links, type DomainRow } from "../schema.ts";
import { DOMAIN_AUDIT, withAudit, type AuditBy } from "./audit.ts";

export type NewDomain = typeof domains.$inferInsert;

/** A domain's name and redirects: what the redirect's table and Shlink's domain list need. */
export type DomainRedirectsRow = Pick<DomainRow, "hostname" | "rootRedirect" | "notFoundRedirect">;

/** A domain without its large columns, saying only whether each is set. */
export type DomainSummaryRow = Omit<DomainRow, "appleAppSiteAssociation" | "assetLinks" | "qrLogo"> & {
  hasAppleAppSiteAssociation: boolean;
  hasAssetLinks: boolean;
  hasQrLogo: boolean;
};

const summary = {
  hostname: domains.hostname,
  rootRedirect: domains.rootRedirect,
  notFoundRedirect: domains.notFoundRedirect,
  createdBy: domains.createdBy,
  createdAt: domains.createdAt,
  updatedAt: domains.updatedAt,
  hasAppleAppSiteAssociation: sql<boolean>`${domains.appleAppSiteAssociation} is not null`,
  hasAssetLinks: sql<boolean>`${domains.assetLinks} is not null`,
  hasQrLogo: sql<boolean>`${domains.qrLogo} is not null`,
};

/** Every domain's redirects, the default's row ("") first. */
export function selectDomains(db: Db): Promise<DomainRedirectsRow[]> {
  return db
    .select({ hostname: domains.hostname, rootRedirect: domains.rootRedirect, notFoundRedirect: domains.notFoundRedirect })
    .from(domains)
    .orderBy(asc(domains.hostname));
}

/** Every domain with its number of links: the default's row first, then by hostname. */
export async function selectDomainsWithCounts(db: Db): Promise<(DomainSummaryRow & { links: number })[]> {
  const counts = db
    .select({ domain: sql<string>`coalesce(${links.domain}, ${DEFAULT_DOMAIN_ROW})`.as("domain"), n: sql<number>`count(*)::int`.as("n") })
    .from(links)
    .groupBy(sql`1`)
    .as("counts");
  const rows = await db
    .select({ ...summary, links: sql<number>`coalesce(${counts.n}, 0)` })
    .from(domains)
    .leftJoin(counts, eq(counts.domain, domains.hostname))
    .orderBy(asc(domains.hostname));
  return rows.map((r) => ({ ...r, links: Number(r.links) }));
}

/**
 * The association files of a domain's row (DEFAULT_DOMAIN_ROW for the default), exactly as stored: the JSON
 * text served at /.well-known/; undefined when there is no such row.
 */
export async function selectDomainAppFiles(db: Db, hostname: string): Promise<{ appleAppSiteAssociation: string | null; assetLinks: string | null } | undefined> {
  const [row] = await db
    .select({ appleAppSiteAssociation: domains.appleAppSiteAssociation, assetLinks: domains.assetLinks })
    .from(domains)
    .where(eq(domains.hostname, hostname))
    .limit(1);
  return row;
}

/**
 * The QR logo of a domain (null: the default domain), as stored: a data: URL of a PNG or SVG that the domains
 * API checked (functions/shared/qr-logo.ts: decodeQrLogo gives its media type and bytes); null when the
 * domain has none or does not exist.
 */
export async function selectQrLogo(db: Db, domain: string | null): Promise<string | null> {
  const [row] = await db
    .select({ qrLogo: domains.qrLogo })
    .from(domains)
    .where(eq(domains.hostname, domain ?? DEFAULT_DOMAIN_ROW))
    .limit(1);
  return row?.qrLogo ?? null;
}

export async function selectDomain(db: Db, hostname: string): Promise<DomainRow | undefined> {
  const [row] = await db.select().from(domains).where(eq(domains.hostname, hostname)).limit(1);
  return row;
}

/** Undefined when the hostname is taken. Each write here is logged (`audit`) in its own statement. */
export async function insertDomain(db: Db, row: NewDomain, audit: AuditBy): Promise<DomainRow | undefined> {
  const insert = db.insert(domains).values(row).onConflictDoNothing().returning();
  const [inserted] = await withAudit(db, insert, { ...audit, table: DOMAIN_AUDIT, returned: "after" });
  return inserted;
}

/** The default domain's row always exists (the migration makes it); this also makes it if it was removed by hand. */
export async function updateDomain(db: Db, hostname: string, values: Partial<NewDomain>, audit: AuditBy): Promise<DomainRow | undefined> {
  const where = eq(domains.hostname, hostname);
  const change =
    hostname === DEFAULT_DOMAIN_ROW
      ? db
          .insert(domains)
          .values({ hostname, ...values })
          .onConflictDoUpdate({ target: domains.hostname, set: { ...values, updatedAt: sql`now()` } })
          .returning()
      : db.update(domains).set({ ...values, updatedAt: sql`now()` }).where(where).returning();
  const [row] = await withAudit(db, change, { ...audit, table: DOMAIN_AUDIT, returned: "after", before: { from: domains, where } });
  return row;
}

/** Throws a foreign-key violation while links use the domain (links.domain restricts it). */
export async function deleteDomain(db: Db, hostname: string, audit: AuditBy): Promise<DomainRow | undefined> {
  const remove = db.delete(domains).where(eq(domains.hostname, hostname)).returning();
  const [row] = await withAudit(db, remove, { ...audit, table: DOMAIN_AUDIT, returned: "before" });
  return row;
}

/** Links on a domain (null: the default). */
export async function countDomainLinks(db: Db, hostname: string | null): Promise<number> {
  const [r] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(links)
    .where(hostname === null ? isNull(links.domain) : eq(links.domain, hostname));
  return Number(r.n);
}
