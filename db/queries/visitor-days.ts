/**
 * The SQL of visitor_days (db/schema/rollups.ts) outside ingestion: the ingest's upsert is part of its
 * one-statement commit (functions/ingest/commit.ts), generated SQL that stays there.
 */
import { lt, sql } from "drizzle-orm";
import type { Db } from "../client.ts";
import { visitorDays } from "../schema.ts";

/** Deletes up to `limit` visitor-days of UTC days before `day` (YYYY-MM-DD; one bounded chunk); returns how many. */
export async function deleteVisitorDaysBefore(db: Db, day: string, limit: number): Promise<number> {
  const old = db
    .select({ linkId: visitorDays.linkId, day: visitorDays.day, visitor: visitorDays.visitor })
    .from(visitorDays)
    .where(lt(visitorDays.day, day))
    .limit(limit);
  const r = await db.delete(visitorDays).where(sql`(${visitorDays.linkId}, ${visitorDays.day}, ${visitorDays.visitor}) in ${old}`);
  return r.rowCount ?? 0;
}
