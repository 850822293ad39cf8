/** The SQL of domains: the domains API, and the redirect's table of domain redirects. */
import { asc, eq, isNull, ne, sql } from "drizzle-orm";
import type { Db } from "../client.ts";
import { DEFAULT_DOMAIN_ROW, domains, links, type DomainRow } from "../schema.ts";
import { DOMAIN_AUDIT, withAudit, type AuditBy } from "./audit.ts";

export type NewDomain = typeof domains.$inferInsert;

/** Every domain row, the default's ("") first. */
export function selectDomains(db: Db): Promise<DomainRow[]> {
  return db.select().from(domains).orderBy(asc(domains.hostname));
}

/** Every domain with its number of links: the default's row first, then by hostname. */
export async function selectDomainsWithCounts(db: Db): Promise<(DomainRow & { links: number })[]> {
  const counts = db
    .select({ domain: sql<string>`coalesce(${links.domain}, ${DEFAULT_DOMAIN_ROW})`.as("domain"), n: sql<number>`count(*)::int`.as("n") })
    .from(links)
    .groupBy(sql`1`)
    .as("counts");
  const rows = await db
    .select({ row: domains, links: sql<number>`coalesce(${counts.n}, 0)` })
    .from(domains)
    .leftJoin(counts, eq(counts.domain, domains.hostname))
    .orderBy(asc(domains.hostname));
  return rows.map((r) => ({ ...r.row, links: Number(r.links) }));
}

/** The hostnames of the custom domains (the default's row has none): a small table, read whole. */
export async function selectCustomHostnames(db: Db): Promise<string[]> {
  const rows = await db.select({ hostname: domains.hostname }).from(domains).where(ne(domains.hostname, DEFAULT_DOMAIN_ROW));
  return rows.map((r) => r.hostname);
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

/**
 * The qrLogo of a link's domain (`domain` as links.domain holds it: null for the default domain, whose row
 * is DEFAULT_DOMAIN_ROW): a data: URL of a PNG or SVG, or null when the domain has none.
 */
export async function selectDomainQrLogo(db: Db, domain: string | null): Promise<string | null> {
  const [row] = await db.select({ qrLogo: domains.qrLogo }).from(domains).where(eq(domains.hostname, domain ?? DEFAULT_DOMAIN_ROW)).limit(1);
  return row?.qrLogo ?? null;
}
