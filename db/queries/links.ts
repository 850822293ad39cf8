/** The SQL of the links API. Pure data access: no HTTP, no cache; callers decide what a result means. */
import { and, desc, eq, getTableColumns, ilike, or, sql, arrayContains } from "drizzle-orm";
import type { Db } from "../client.ts";
import { links, type LinkRow } from "../schema.ts";

export type NewLink = typeof links.$inferInsert;

/** True when `e` is Postgres' unique_violation (23505), as drizzle wraps it. */
export function isUniqueViolation(e: unknown): boolean {
  const codes = [(e as { code?: unknown })?.code, (e as { cause?: { code?: unknown } })?.cause?.code];
  return codes.includes("23505");
}

/** Inserts rows whose slug is free; rows whose slug is taken are skipped (compare ids to find them). */
export function insertLinks(db: Db, rows: NewLink[]): Promise<LinkRow[]> {
  if (!rows.length) return Promise.resolve([]);
  return db.insert(links).values(rows).onConflictDoNothing({ target: links.slug }).returning();
}

export async function selectLinkBySlug(db: Db, slug: string): Promise<LinkRow | undefined> {
  const [row] = await db.select().from(links).where(eq(links.slug, slug)).limit(1);
  return row;
}

/** Throws a unique violation when values.slug is taken (see isUniqueViolation). */
export async function updateLink(db: Db, slug: string, values: Partial<NewLink>): Promise<LinkRow | undefined> {
  const [row] = await db
    .update(links)
    .set({ ...values, updatedAt: sql`now()`, version: sql`${links.version} + 1` })
    .where(eq(links.slug, slug))
    .returning();
  return row;
}

export async function deleteLink(db: Db, slug: string): Promise<LinkRow | undefined> {
  const [row] = await db.delete(links).where(eq(links.slug, slug)).returning();
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
}

const likeEscape = (s: string) => s.replace(/[\\%_]/g, "\\$&");

/**
 * One page, newest first, plus the position of the next page (null on the last). created_at is carried as
 * text to the microsecond: a JS Date keeps only milliseconds and would skip or repeat rows across pages.
 */
export async function listLinks(db: Db, f: ListFilter): Promise<{ rows: LinkRow[]; next: ListPosition | null }> {
  const createdText = sql<string>`to_char(${links.createdAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
  const pattern = f.q === undefined ? undefined : `%${likeEscape(f.q)}%`;
  const page = await db
    .select({ ...getTableColumns(links), position: createdText })
    .from(links)
    .where(
      and(
        f.after ? sql`(${links.createdAt}, ${links.id}) < (${f.after.createdAt}::timestamptz, ${f.after.id})` : undefined,
        pattern ? or(ilike(links.slug, pattern), ilike(links.url, pattern), ilike(links.title, pattern)) : undefined,
        f.tag === undefined ? undefined : arrayContains(links.tags, [f.tag]),
      ),
    )
    .orderBy(desc(links.createdAt), desc(links.id))
    .limit(f.limit + 1);
  const more = page.length > f.limit;
  const rows = page.slice(0, f.limit);
  const last = rows.at(-1);
  return {
    rows: rows.map(({ position: _p, ...row }) => row),
    next: more && last ? { createdAt: last.position, id: last.id } : null,
  };
}
