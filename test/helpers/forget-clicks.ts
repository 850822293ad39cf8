/**
 * Removes the ingested clicks of some links, rollups included, for test files that produce many recent clicks
 * through the real redirect: Postgres is shared, and the dashboard's browser test expects its own link among
 * the top links of the last 24 hours, which a few dozen test links with more clicks would push out. The
 * all-links ("*") link dimension rows of those links go too; the "*" totals keep their clicks (no test reads
 * recent "*" totals exactly).
 */
import { sql } from "drizzle-orm";
import { arrayLiteral } from "../../db/sql-arrays.ts";
import { withDb } from "./db.ts";

export async function forgetClicks(linkIds: string[]): Promise<void> {
  if (!linkIds.length) return;
  const ids = arrayLiteral(linkIds);
  await withDb(async (db) => {
    await db.execute(sql`delete from clicks where link_id = any(${ids}::text[])`);
    await db.execute(sql`delete from clicks_hourly where link_id = any(${ids}::text[])`);
    await db.execute(sql`delete from visitor_days where link_id = any(${ids}::text[])`);
    await db.execute(sql`delete from link_totals where link_id = any(${ids}::text[])`);
    await db.execute(sql`delete from variant_uniques_hourly where link_id = any(${ids}::text[])`);
    for (const table of [sql`clicks_dims_hourly`, sql`clicks_dims_daily`, sql`clicks_dims_blocks`]) {
      await db.execute(sql`delete from ${table} where link_id = any(${ids}::text[])`);
      await db.execute(sql`delete from ${table} where link_id = '*' and dim = 'link' and value = any(${ids}::text[])`);
    }
  });
}
