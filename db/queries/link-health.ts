/**
 * The SQL of link health checks (functions/health/): taking the links most overdue for a check, and recording
 * what the checks found. A change of a link's status enters the webhook outbox as `link.health` from the
 * links trigger (migration 0017_health_due_default.sql), in the statement that records it; writing only
 * `health` and `health_due_at` makes no `link.updated` event and leaves `version` alone (the link cache does
 * not hold them).
 */
import { inArray, sql } from "drizzle-orm";
import type { Db } from "../client.ts";
import { links, type LinkRow, type StoredHealth } from "../schema.ts";

export type DueLink = {
  id: string;
  url: string;
  health: StoredHealth | null;
};

/**
 * Up to `limit` links due for a check (health_due_at now or earlier, or never set), most overdue first through
 * links_health_due_idx, each pushed `leaseMs` ahead in the same statement: a run that dies midway leaves them
 * due again after the lease, and two runs never check one link at the same time (SKIP LOCKED).
 */
export async function claimDueLinks(db: Db, limit: number, leaseMs: number): Promise<DueLink[]> {
  const { rows } = await db.execute<DueLink>(sql`
    update links l set health_due_at = now() + ${`${leaseMs} milliseconds`}::interval
    from (
      select id from links
      where health_due_at is null or health_due_at <= now()
      order by health_due_at asc nulls first
      limit ${limit}
      for update skip locked
    ) due
    where l.id = due.id
    returning l.id, l.url, l.health`);
  return rows;
}

export interface HealthRecord {
  id: string;
  /** The URL that was checked: a link whose URL changed meanwhile is left to its new schedule. */
  url: string;
  /** null: leave `health` as it is (null when never checked). */
  health: StoredHealth | null;
  dueAt: Date;
  /** Set `warning` to this (a destination found unsafe); null: leave it. */
  warning: string | null;
}

/**
 * Records the checks in one statement. A row whose warning changes is a change of what visitors get, so it
 * moves `version` and `updated_at` on like every other such write (the link cache orders writes by them);
 * the rows given a warning are read back whole, for the cache's write-through (rare: an extra query then).
 */
export async function recordHealth(db: Db, records: HealthRecord[]): Promise<{ recorded: number; warned: LinkRow[] }> {
  if (!records.length) return { recorded: 0, warned: [] };
  const json = JSON.stringify(records.map((r) => ({ ...r, dueAt: r.dueAt.toISOString() })));
  const { rows } = await db.execute<{ id: string; warned: boolean }>(sql`
    with v as (
      select * from jsonb_to_recordset(${json}::jsonb)
        as v(id text, url text, health jsonb, "dueAt" timestamptz, warning text)
    ), changed as (
      update links l set
        health = coalesce(v.health, l.health),
        health_due_at = v."dueAt",
        warning = coalesce(v.warning, l.warning),
        version = case when v.warning is distinct from null and v.warning is distinct from l.warning then l.version + 1 else l.version end,
        updated_at = case when v.warning is distinct from null and v.warning is distinct from l.warning then now() else l.updated_at end
      from v
      where l.id = v.id and l.url = v.url
      returning l.id, (v.warning is not null) as warned
    )
    select * from changed`);
  const ids = rows.filter((r) => r.warned).map((r) => r.id);
  const warned = ids.length ? await db.select().from(links).where(inArray(links.id, ids)) : [];
  return { recorded: rows.length, warned };
}
