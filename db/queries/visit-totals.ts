/**
 * All-time visit totals from the hourly rollup (clicks_hourly), per link or over the links a key sees: what
 * Shlink's visitsSummary and visits overview show. Each link's read is a range of the primary key
 * (link_id, hour); every link at once is the ALL_LINKS row series.
 */
import { sql } from "drizzle-orm";
import type { Db } from "../client.ts";
import { ALL_LINKS } from "../schema.ts";
import { scopeCondition, type LinkScope } from "./links.ts";

/** Every click, the human ones, and the rest (bots and link previews together, as Shlink's "potential bots"). */
export interface VisitTotals {
  total: number;
  nonBots: number;
  bots: number;
}

export const NO_VISITS: VisitTotals = Object.freeze({ total: 0, nonBots: 0, bots: 0 });

const toTotals = (r: { total: unknown; humans: unknown }): VisitTotals => {
  const total = Number(r.total ?? 0);
  const nonBots = Number(r.humans ?? 0);
  return { total, nonBots, bots: total - nonBots };
};

/** Ingested totals of each link id (links without clicks are absent from the map). */
export async function selectVisitTotals(db: Db, linkIds: readonly string[]): Promise<Map<string, VisitTotals>> {
  if (!linkIds.length) return new Map();
  const r = await db.execute(sql`
    select link_id, sum(clicks) as total, sum(humans) as humans from clicks_hourly
    where link_id = any(${`{${linkIds.map((id) => `"${id}"`).join(",")}}`}::text[])
    group by link_id`);
  return new Map((r.rows as { link_id: string; total: unknown; humans: unknown }[]).map((row) => [row.link_id, toTotals(row)]));
}

/**
 * Totals over the links `scope` sees. Unrestricted, that is the ALL_LINKS series: one key range, but it keeps
 * the clicks of links deleted since (docs/shlink.md); restricted, the series of each of its links, summed.
 */
export async function selectTotalsOver(db: Db, scope: LinkScope): Promise<VisitTotals> {
  const cond = scopeCondition(scope);
  const r = await db.execute(
    cond
      ? sql`select sum(h.clicks) as total, sum(h.humans) as humans
            from links join clicks_hourly h on h.link_id = links.id where ${cond}`
      : sql`select sum(clicks) as total, sum(humans) as humans from clicks_hourly where link_id = ${ALL_LINKS}`,
  );
  return toTotals((r.rows[0] ?? {}) as { total: unknown; humans: unknown });
}
