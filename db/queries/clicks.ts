/**
 * The SQL of the raw clicks table outside ingestion. The ingest writes clicks in its one-statement commit
 * (functions/ingest/commit.ts), generated SQL that stays there; the stats read rollups, not raw clicks.
 */
import { inArray, lt } from "drizzle-orm";
import type { Db } from "../client.ts";
import { clicks } from "../schema.ts";

/** Deletes the oldest `limit` clicks from before `before` (one bounded chunk of retention); returns how many. */
export async function deleteClicksBefore(db: Db, before: Date, limit: number): Promise<number> {
  const oldest = db.select({ id: clicks.id }).from(clicks).where(lt(clicks.ts, before)).orderBy(clicks.ts).limit(limit);
  const r = await db.delete(clicks).where(inArray(clicks.id, oldest));
  return r.rowCount ?? 0;
}
