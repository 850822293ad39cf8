/**
 * The SQL of the raw clicks table outside ingestion. The ingest writes clicks in its one-statement commit
 * (functions/ingest/commit.ts), generated SQL that stays there; the stats read rollups, and only the Shlink
 * face's visit lists read raw clicks (pageClicks).
 */
import { and, desc, eq, getTableColumns, gte, inArray, lt, lte, sql, type SQL } from "drizzle-orm";
import type { Db } from "../client.ts";
import { arrayLiteral } from "../sql-arrays.ts";
import { clicks, links, type ClickRow } from "../schema.ts";

/** Deletes the oldest `limit` clicks from before `before` (one bounded chunk of retention); returns how many. */
export async function deleteClicksBefore(db: Db, before: Date, limit: number): Promise<number> {
  const oldest = db.select({ id: clicks.id }).from(clicks).where(lt(clicks.ts, before)).orderBy(clicks.ts).limit(limit);
  const r = await db.delete(clicks).where(inArray(clicks.id, oldest));
  return r.rowCount ?? 0;
}

/** Which of `ids` are stored clicks (the ingest, before it makes a dead letter of clicks that may be in). */
export async function storedClickIds(db: Db, ids: readonly string[]): Promise<Set<string>> {
  if (!ids.length) return new Set();
  // One array parameter, however many ids (a parameter per id would stop at 65,535).
  const rows = await db.select({ id: clicks.id }).from(clicks).where(sql`${clicks.id} = any(${arrayLiteral(ids)}::text[])`);
  return new Set(rows.map((r) => r.id));
}

export interface ClickPageFilter {
  /** A condition on links: whose clicks are listed. */
  of: SQL | undefined;
  from?: Date;
  to?: Date;
  /** Only human clicks (Shlink's excludeBots: bots and previews left out). */
  humansOnly?: boolean;
  offset: number;
  limit: number;
}

export type ClickWithLink = ClickRow & { slug: string; domain: string | null };

/** One page of raw clicks, newest first, with the slug and domain of their link, and how many match in all. */
export async function pageClicks(db: Db, f: ClickPageFilter): Promise<{ rows: ClickWithLink[]; total: number }> {
  const where = and(
    f.of,
    f.from ? gte(clicks.ts, f.from) : undefined,
    f.to ? lte(clicks.ts, f.to) : undefined,
    f.humansOnly ? eq(clicks.kind, "human") : undefined,
  );
  const [rows, [count]] = await Promise.all([
    db
      .select({ ...getTableColumns(clicks), slug: links.slug, domain: links.domain })
      .from(clicks)
      .innerJoin(links, eq(links.id, clicks.linkId))
      .where(where)
      .orderBy(desc(clicks.ts), desc(clicks.id))
      .offset(f.offset)
      .limit(f.limit),
    db.select({ n: sql<number>`count(*)::int` }).from(clicks).innerJoin(links, eq(links.id, clicks.linkId)).where(where),
  ]);
  return { rows, total: Number(count.n) };
}
