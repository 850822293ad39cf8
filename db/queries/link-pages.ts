/**
 * Links a page at a time by number, in a chosen order, with Shlink's filters (the /rest face's short URL
 * list): offset pages, as Shlink's clients page. The links API's own list is keyset-paged (links.ts).
 */
import { and, arrayContains, arrayOverlaps, asc, desc, getTableColumns, gte, isNull, lte, not, or, sql, type SQL } from "drizzle-orm";
import type { Db } from "../client.ts";
import { links, type LinkRow } from "../schema.ts";
import { EVERY_LINK, linkCondition, scopeCondition, type LinkScope } from "./links.ts";
import { textArray } from "../sql-arrays.ts";

export const linkOrderFields = ["dateCreated", "shortCode", "longUrl", "title", "visits", "nonBotVisits"] as const;
export type LinkOrderField = (typeof linkOrderFields)[number];

export interface LinkPageFilter {
  offset: number;
  /** null: every matching link. */
  limit: number | null;
  /** Case-insensitive, in slug, URL, title and tags. */
  search?: string;
  tags?: readonly string[];
  /** any: a link with one of `tags`; all: with every one. */
  tagsMode?: "any" | "all";
  excludeTags?: readonly string[];
  excludeTagsMode?: "any" | "all";
  /** Only links on this domain (null: the default); absent: every domain. */
  domain?: string | null;
  createdFrom?: Date;
  createdTo?: Date;
  /** Leave out links whose ingested human clicks reached maxClicks. */
  excludeMaxClicksReached?: boolean;
  /** Leave out links whose expiresAt has passed. */
  excludeExpired?: boolean;
  order: { field: LinkOrderField; dir: "ASC" | "DESC" };
  scope: LinkScope;
}

const likeEscape = (s: string) => s.replace(/[\\%_]/g, "\\$&");

/** All-time clicks and human clicks of the row's link, from the hourly rollup (a range of its primary key). */
const totalClicks = sql<number>`(select coalesce(sum(h.clicks), 0) from clicks_hourly h where h.link_id = ${links.id})`;
const humanClicks = sql<number>`(select coalesce(sum(h.humans), 0) from clicks_hourly h where h.link_id = ${links.id})`;

/** All-time ingested human clicks of each link of `ids` (absent: none yet), in one query. */
export async function humanClicksOf(db: Db, ids: readonly string[]): Promise<Map<string, number>> {
  if (!ids.length) return new Map();
  const { rows } = await db.execute<{ id: string; humans: string }>(sql`
    select h.link_id as id, sum(h.humans)::text as humans from clicks_hourly h
    where h.link_id = any(${textArray(ids)}) group by h.link_id`);
  return new Map(rows.map((r) => [r.id, Number(r.humans)]));
}

function conditions(f: LinkPageFilter): SQL | undefined {
  const pattern = f.search ? `%${likeEscape(f.search)}%` : undefined;
  const tags = f.tags?.length ? f.tags : undefined;
  const excluded = f.excludeTags?.length ? f.excludeTags : undefined;
  return and(
    f.domain === undefined ? undefined : linkCondition(f.domain, null, EVERY_LINK),
    scopeCondition(f.scope),
    pattern
      ? or(
          sql`${links.slug} ilike ${pattern}`,
          sql`${links.url} ilike ${pattern}`,
          sql`${links.title} ilike ${pattern}`,
          sql`exists (select 1 from unnest(${links.tags}) t where t ilike ${pattern})`,
        )
      : undefined,
    tags ? (f.tagsMode === "all" ? arrayContains(links.tags, [...tags]) : arrayOverlaps(links.tags, [...tags])) : undefined,
    excluded
      ? not(f.excludeTagsMode === "all" ? sql`${links.tags} @> ${textArray(excluded)}` : sql`${links.tags} && ${textArray(excluded)}`)
      : undefined,
    f.createdFrom ? gte(links.createdAt, f.createdFrom) : undefined,
    f.createdTo ? lte(links.createdAt, f.createdTo) : undefined,
    f.excludeMaxClicksReached ? or(isNull(links.maxClicks), sql`${humanClicks} < ${links.maxClicks}`) : undefined,
    f.excludeExpired ? or(isNull(links.expiresAt), sql`${links.expiresAt} > now()`) : undefined,
  );
}

const ORDER: Record<LinkOrderField, SQL> = {
  dateCreated: sql`${links.createdAt}`,
  shortCode: sql`${links.slug}`,
  longUrl: sql`${links.url}`,
  title: sql`${links.title}`,
  visits: totalClicks,
  nonBotVisits: humanClicks,
};

/** One page of the matching links in the order asked (ties by id), and how many match in all. */
export async function pageLinks(db: Db, f: LinkPageFilter): Promise<{ rows: LinkRow[]; total: number }> {
  const where = conditions(f);
  const by = ORDER[f.order.field];
  const dir = f.order.dir === "ASC" ? asc : desc;
  const page = db
    .select(getTableColumns(links))
    .from(links)
    .where(where)
    .orderBy(dir(by), dir(links.id))
    .offset(f.offset);
  const [rows, [count]] = await Promise.all([
    f.limit === null ? page : page.limit(f.limit),
    db.select({ n: sql<number>`count(*)::int` }).from(links).where(where),
  ]);
  return { rows, total: Number(count.n) };
}

/**
 * Links on `domain` with this URL (as stored: normalized) that `scope` sees, newest first, at most `limit`:
 * the candidates of Shlink's findIfExists, which the caller compares option by option.
 */
export function selectLinksWithUrl(db: Db, domain: string | null, url: string, scope: LinkScope, limit = 50): Promise<LinkRow[]> {
  return db
    .select()
    .from(links)
    .where(and(linkCondition(domain, null, scope), sql`${links.url} = ${url}`))
    .orderBy(desc(links.createdAt))
    .limit(limit);
}
