/** The SQL of the links API. Pure data access: no HTTP, no cache; callers decide what a result means. */
import { and, desc, eq, getTableColumns, ilike, inArray, isNull, or, sql, arrayContains, type SQL } from "drizzle-orm";
import type { Db } from "../client.ts";
import { DEFAULT_DOMAIN_ROW, links, type LinkRow } from "../schema.ts";
import { LINK_AUDIT, withAudit, type AuditBy } from "./audit.ts";

export type NewLink = typeof links.$inferInsert;

/** True when `e` is Postgres' unique_violation (23505), as drizzle wraps it. */
export function isUniqueViolation(e: unknown): boolean {
  const codes = [(e as { code?: unknown })?.code, (e as { cause?: { code?: unknown } })?.cause?.code];
  return codes.includes("23505");
}

/** True when `e` is Postgres' foreign_key_violation (23503): a domain that is gone, or still used. */
export function isForeignKeyViolation(e: unknown): boolean {
  const codes = [(e as { code?: unknown })?.code, (e as { cause?: { code?: unknown } })?.cause?.code];
  return codes.includes("23503");
}

/**
 * What an API key may see of the links (its restrictions): only links on `domains` (hostnames, "" for the
 * default domain; null = every domain), only links it created (`createdBy`; null = anyone's).
 */
export interface LinkScope {
  domains: readonly string[] | null;
  createdBy: string | null;
}

export const EVERY_LINK: LinkScope = { domains: null, createdBy: null };

/** The scope as a condition on links; undefined when it restricts nothing. */
export function scopeCondition(scope: LinkScope): SQL | undefined {
  return and(
    scope.domains
      ? sql`coalesce(${links.domain}, ${DEFAULT_DOMAIN_ROW}) = any(${`{${scope.domains.map((d) => `"${d}"`).join(",")}}`}::text[])`
      : undefined,
    scope.createdBy === null ? undefined : eq(links.createdBy, scope.createdBy),
  );
}

/** `domain` null is the default domain. */
const onDomain = (domain: string | null) => (domain === null ? isNull(links.domain) : eq(links.domain, domain));

/** The link named by (domain, slug), if `scope` may see it. */
const named = (domain: string | null, slug: string, scope: LinkScope) => and(onDomain(domain), eq(links.slug, slug), scopeCondition(scope))!;

/**
 * A condition on links: the link `slug` on `domain` (null: the default), or with slug null every link on
 * `domain` (undefined: on any), in both cases only those `scope` sees. Undefined when nothing is restricted.
 */
export function linkCondition(domain: string | null | undefined, slug: string | null, scope: LinkScope): SQL | undefined {
  if (slug !== null) return named(domain ?? null, slug, scope);
  return and(domain === undefined ? undefined : onDomain(domain), scopeCondition(scope));
}

/**
 * Inserts rows whose slug is free on their domain; rows whose slug is taken are skipped (compare ids to find
 * them). Throws a foreign-key violation when a row names a domain that does not exist (any more).
 */
export function insertLinks(db: Db, rows: NewLink[], audit?: AuditBy): Promise<LinkRow[]> {
  if (!rows.length) return Promise.resolve([]);
  const insert = db.insert(links).values(rows).onConflictDoNothing({ target: [links.domain, links.slug] }).returning();
  return audit ? withAudit(db, insert, { ...audit, table: LINK_AUDIT, returned: "after" }) : insert;
}

export async function selectLinkBySlug(db: Db, domain: string | null, slug: string, scope = EVERY_LINK): Promise<LinkRow | undefined> {
  const [row] = await db.select().from(links).where(named(domain, slug, scope)).limit(1);
  return row;
}

/**
 * A new destination has not been checked: its health is cleared and its check due as a new link's is (the
 * column's default, migration 0017_health_due_default.sql). The same URL written again changes nothing.
 */
const healthAfterUrl = (url: SQL) => ({
  health: sql`case when ${links.url} = ${url} then ${links.health} else null end`,
  healthDueAt: sql`case when ${links.url} = ${url} then ${links.healthDueAt} else now() + interval '5 minutes' end`,
});

/**
 * Throws a unique violation when values.slug is taken on the link's (new) domain (see isUniqueViolation), a
 * foreign-key violation when values.domain does not exist. With `audit`, the change is logged in the same
 * statement (db/queries/audit.ts), as are the other writes here.
 */
export async function updateLink(
  db: Db, domain: string | null, slug: string, values: Partial<NewLink>, scope = EVERY_LINK, audit?: AuditBy,
): Promise<LinkRow | undefined> {
  const where = named(domain, slug, scope);
  const update = db
    .update(links)
    .set({ ...values, ...(values.url === undefined ? {} : healthAfterUrl(sql`${values.url}`)), updatedAt: sql`now()`, version: sql`${links.version} + 1` })
    .where(where)
    .returning();
  const [row] = audit ? await withAudit(db, update, { ...audit, table: LINK_AUDIT, returned: "after", before: { from: links, where } }) : await update;
  return row;
}

/**
 * Replaces a link's password hash with one of the same password made with new parameters (an unlock found
 * the old ones out of date): only while the hash is still `old`, so a password changed meanwhile stays as
 * its owner set it. Bumps version and updated_at as every write does (the cache orders writes by them).
 */
export async function replacePasswordHash(db: Db, id: string, old: string, fresh: string): Promise<LinkRow | undefined> {
  const [row] = await db
    .update(links)
    .set({ passwordHash: fresh, updatedAt: sql`now()`, version: sql`${links.version} + 1` })
    .where(and(eq(links.id, id), eq(links.passwordHash, old)))
    .returning();
  return row;
}

export async function deleteLink(
  db: Db, domain: string | null, slug: string, scope = EVERY_LINK, audit?: AuditBy,
): Promise<LinkRow | undefined> {
  const remove = db.delete(links).where(named(domain, slug, scope)).returning();
  const [row] = audit ? await withAudit(db, remove, { ...audit, table: LINK_AUDIT, returned: "before" }) : await remove;
  return row;
}

/** Position in the (created_at desc, id desc) order: created_at to the microsecond, as UTC ISO text. */
export interface ListPosition {
  createdAt: string;
  id: string;
}

export interface ListFilter {
  limit: number;
  after?: ListPosition;
  q?: string;
  tag?: string;
  /** Only links on this domain (null: the default); absent: every domain. */
  domain?: string | null;
  /** Only links made by this person or key (links.created_by). */
  createdBy?: string;
  /** Only links whose last health check found this status; unchecked: never checked (health null). */
  health?: "ok" | "broken" | "unsafe" | "unchecked";
  scope?: LinkScope;
}

const likeEscape = (s: string) => s.replace(/[\\%_]/g, "\\$&");

/**
 * One page, newest first, plus the position of the next page (null on the last). created_at is carried as
 * text to the microsecond: a JS Date keeps only milliseconds and would skip or repeat rows across pages.
 */
export async function listLinks(
  db: Db, f: ListFilter,
): Promise<{ rows: LinkRow[]; next: ListPosition | null; micro: { createdAt: string; updatedAt: string }[] }> {
  const microText = (col: typeof links.createdAt | typeof links.updatedAt) => sql<string>`to_char(${col} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
  const createdText = microText(links.createdAt);
  const pattern = f.q === undefined ? undefined : `%${likeEscape(f.q)}%`;
  const page = await db
    .select({ ...getTableColumns(links), position: createdText, updatedText: microText(links.updatedAt) })
    .from(links)
    .where(
      and(
        f.after ? sql`(${links.createdAt}, ${links.id}) < (${f.after.createdAt}::timestamptz, ${f.after.id})` : undefined,
        pattern ? or(ilike(links.slug, pattern), ilike(links.url, pattern), ilike(links.title, pattern)) : undefined,
        f.tag === undefined ? undefined : arrayContains(links.tags, [f.tag]),
        f.domain === undefined ? undefined : onDomain(f.domain),
        f.createdBy === undefined ? undefined : eq(links.createdBy, f.createdBy),
        f.health === undefined ? undefined : f.health === "unchecked" ? isNull(links.health) : sql`${links.health}->>'status' = ${f.health}`,
        f.scope ? scopeCondition(f.scope) : undefined,
      ),
    )
    .orderBy(desc(links.createdAt), desc(links.id))
    .limit(f.limit + 1);
  const more = page.length > f.limit;
  const rows = page.slice(0, f.limit);
  const last = rows.at(-1);
  return {
    rows: rows.map(({ position: _p, updatedText: _u, ...row }) => row),
    // The times to the microsecond, for export: a round trip through import keeps the order exactly.
    micro: rows.map((r) => ({ createdAt: r.position, updatedAt: r.updatedText })),
    next: more && last ? { createdAt: last.position, id: last.id } : null,
  };
}

/**
 * Links named by (domain, slug) pairs (domain null: the default), in one query. Grouped by domain, so that
 * each group is a lookup in the (domain, slug) unique index rather than a scan of every link.
 */
export async function selectLinksByKeys(db: Db, keys: readonly { domain: string | null; slug: string }[]): Promise<LinkRow[]> {
  if (!keys.length) return [];
  const byDomain = new Map<string | null, string[]>();
  for (const k of keys) byDomain.set(k.domain, [...(byDomain.get(k.domain) ?? []), k.slug]);
  return db
    .select()
    .from(links)
    .where(or(...[...byDomain].map(([domain, slugs]) => and(onDomain(domain), inArray(links.slug, slugs)))));
}

/** Which of `ids` are taken. */
export async function takenLinkIds(db: Db, ids: readonly string[]): Promise<Set<string>> {
  if (!ids.length) return new Set();
  const rows = await db.select({ id: links.id }).from(links).where(inArray(links.id, [...ids]));
  return new Set(rows.map((r) => r.id));
}

/** The columns an import with onConflict=update replaces on a link that exists (everything a row can say). */
export const IMPORT_UPDATE_COLUMNS = [
  "url", "redirectType", "title", "tags", "expiresAt", "maxClicks", "fallbackUrl", "passwordHash", "rules", "variants",
  "validSince", "forwardQuery", "crawlable", "preview", "healthDueAt",
] as const;

/**
 * Rewrites existing links in one statement: each row is a whole link (its current values merged with the
 * new ones), matched by (domain, slug); the version moves on as in updateLink.
 */
export function upsertLinks(db: Db, rows: (NewLink & { id: string })[], audit?: AuditBy): Promise<LinkRow[]> {
  if (!rows.length) return Promise.resolve([]);
  const cols = getTableColumns(links);
  const set = Object.fromEntries(IMPORT_UPDATE_COLUMNS.map((c) => [c, sql.raw(`excluded.${cols[c].name}`)]));
  const upsert = db
    .insert(links)
    .values(rows)
    .onConflictDoUpdate({
      target: [links.domain, links.slug],
      set: { ...set, ...healthAfterUrl(sql.raw(`excluded.${cols.url.name}`)), updatedAt: sql`now()`, version: sql`${links.version} + 1` },
    })
    .returning();
  if (!audit) return upsert;
  // Each row is an existing link's merged values, so its id names the link as it was.
  const before = { from: links, where: inArray(links.id, rows.map((r) => r.id)) };
  return withAudit(db, upsert, { ...audit, table: LINK_AUDIT, returned: "after", before });
}

/** Slugs of the crawlable links on `domain` (null: the default), for its robots.txt; at most `limit`, oldest first. */
export async function selectCrawlableSlugs(db: Db, domain: string | null, limit: number): Promise<string[]> {
  const rows = await db
    .select({ slug: links.slug })
    .from(links)
    .where(and(onDomain(domain), eq(links.crawlable, true)))
    .orderBy(links.createdAt)
    .limit(limit);
  return rows.map((r) => r.slug);
}
