/**
 * Who made things, by the ids the created_by columns store: people (usr_...) and API keys, named as they are
 * now (a person by name, else email), read in the same round trip as what else the answer needs.
 */
import { sql } from "drizzle-orm";
import type { Db, Tx } from "../client.ts";
import { textArray } from "../sql-arrays.ts";

export interface Creator {
  type: "user" | "key";
  id: string;
  name: string;
}

const creatorRows = (ids: readonly string[]) => sql`
  select 'user' as type, u.id, coalesce(nullif(u.name, ''), u.email) as name from users u where u.id = any(${textArray(ids)})
  union all
  select 'key' as type, k.id, k.name from api_keys k where k.id = any(${textArray(ids)})`;

/** The people and keys among `ids` (absent: removed, or never one of ours). */
export async function creatorsOf(db: Db | Tx, ids: readonly (string | null)[]): Promise<Map<string, Creator>> {
  const wanted = [...new Set(ids.filter((i): i is string => i !== null))];
  if (!wanted.length) return new Map();
  const { rows } = await db.execute<{ type: "user" | "key"; id: string; name: string }>(creatorRows(wanted));
  return new Map(rows.map((r) => [r.id, { type: r.type, id: r.id, name: r.name }]));
}

/**
 * humanClicksOf (db/queries/link-pages.ts) and creatorsOf in one statement: a page of links costs the one round
 * trip its click counts always cost.
 */
export async function humanClicksAndCreators(
  db: Db, linkIds: readonly string[], creatorIds: readonly (string | null)[],
): Promise<{ clicks: Map<string, number>; creators: Map<string, Creator> }> {
  const wanted = [...new Set(creatorIds.filter((i): i is string => i !== null))];
  if (!linkIds.length) return { clicks: new Map(), creators: new Map() };
  const { rows } = await db.execute<{ type: string; id: string; name: string }>(sql`
    select 'clicks' as type, h.link_id as id, sum(h.humans)::text as name from clicks_hourly h
    where h.link_id = any(${textArray(linkIds)}) group by h.link_id
    ${wanted.length ? sql`union all ${creatorRows(wanted)}` : sql``}`);
  const clicks = new Map<string, number>();
  const creators = new Map<string, Creator>();
  for (const r of rows) {
    if (r.type === "clicks") clicks.set(r.id, Number(r.name));
    else creators.set(r.id, { type: r.type as Creator["type"], id: r.id, name: r.name });
  }
  return { clicks, creators };
}
