/**
 * Tags: a text[] column of links, so a tag exists while a link carries it. Renames and removals rewrite the
 * arrays in one statement; the link cache holds no tags, so it needs no write.
 */
import { and, sql, type SQL } from "drizzle-orm";
import type { Db } from "../client.ts";
import { links } from "../schema.ts";
import { textArray } from "../sql-arrays.ts";
import { scopeCondition, type LinkScope } from "./links.ts";
import { auditActor, type AuditBy } from "./audit.ts";

const actorJson = (by: AuditBy) => sql`${by.actor ? JSON.stringify(auditActor(by.actor)) : null}::jsonb`;

const where = (...conds: (SQL | undefined)[]) => {
  const c = and(...conds);
  return c ? sql`where ${c}` : sql``;
};

/** The tags of the links `scope` sees, sorted. */
export async function selectTags(db: Db, scope: LinkScope): Promise<string[]> {
  const r = await db.execute(sql`
    select distinct t.tag from ${links} cross join unnest(${links.tags}) as t(tag)
    ${where(scopeCondition(scope))} order by 1`);
  return (r.rows as { tag: string }[]).map((row) => row.tag);
}

export interface TagStatsRow {
  tag: string;
  links: number;
  total: number;
  humans: number;
}

/** Per tag: the links `scope` sees that carry it, and their all-time ingested clicks (hourly rollup). */
export async function selectTagStats(db: Db, scope: LinkScope): Promise<TagStatsRow[]> {
  const r = await db.execute(sql`
    select t.tag, count(*)::int as links, coalesce(sum(v.total), 0) as total, coalesce(sum(v.humans), 0) as humans
    from ${links} cross join unnest(${links.tags}) as t(tag)
    left join lateral (
      select sum(h.clicks) as total, sum(h.humans) as humans from clicks_hourly h where h.link_id = ${links.id}
    ) v on true
    ${where(scopeCondition(scope))}
    group by t.tag order by t.tag`);
  return (r.rows as Record<string, unknown>[]).map((row) => ({
    tag: String(row.tag), links: Number(row.links), total: Number(row.total), humans: Number(row.humans),
  }));
}

/** Whether any link `scope` sees carries `tag`. */
export async function tagInUse(db: Db, tag: string, scope: LinkScope): Promise<boolean> {
  const r = await db.execute(sql`
    select exists (select 1 from ${links} ${where(sql`${links.tags} @> ${textArray([tag])}`, scopeCondition(scope))}) as used`);
  return (r.rows[0] as { used: boolean }).used === true;
}

/** What a rename found: the links that carried `from` (0: no such tag), and whether `to` was another tag already in use. */
export type RenameOutcome = { links: number; taken: boolean };

/**
 * Renames `from` to `to` on every link, unless `to` is another tag in use (both faces refuse to merge: a link
 * carrying both would hold the name twice). The checks and the write are one statement: one round trip and one
 * snapshot, though a concurrent write that adds `to` meanwhile is not seen. Renaming a tag to itself writes nothing.
 * A rename that changed links is logged (`audit`) in the same statement: one entry for the tag.
 */
export async function renameTag(db: Db, from: string, to: string, audit: AuditBy): Promise<RenameOutcome> {
  const r = await db.execute(sql`
    with carrying as (select count(*)::int as n from ${links} where tags @> ${textArray([from])}),
    taken as (select ${from}::text <> ${to}::text and exists (select 1 from ${links} where tags @> ${textArray([to])}) as t),
    renamed as (
      update ${links} set tags = array_replace(tags, ${from}, ${to}), updated_at = now()
      where tags @> ${textArray([from])} and ${from}::text <> ${to}::text and not (select t from taken)
      returning 1
    ),
    logged as (
      insert into audit_log (actor, action, target, before, after)
      select ${actorJson(audit)}, ${audit.action}, ${`tag:${from}`}, jsonb_build_object('name', ${from}::text),
        jsonb_build_object('name', ${to}::text, 'links', count(*)) from renamed having count(*) > 0
    )
    select (select n from carrying) as links, (select t from taken) as taken`);
  const row = r.rows[0] as { links: number; taken: boolean };
  return { links: Number(row.links), taken: row.taken === true };
}

/**
 * Takes `tags` off every link; returns how many links changed. Each tag some link carried is logged
 * (`audit`) in the same statement, with the number of links that lost it.
 */
export async function removeTags(db: Db, tags: readonly string[], audit: AuditBy): Promise<number> {
  if (!tags.length) return 0;
  const r = await db.execute(sql`
    with removed as (
      update ${links} l set tags = coalesce((select array_agg(t order by o) from unnest(l.tags) with ordinality as u(t, o) where t <> all(${textArray(tags)})), '{}'), updated_at = now()
      from (select id, tags from ${links} where tags && ${textArray(tags)}) was
      where l.id = was.id
      returning was.tags as had
    ),
    logged as (
      insert into audit_log (actor, action, target, before, after)
      select ${actorJson(audit)}, ${audit.action}, 'tag:' || t, jsonb_build_object('name', t, 'links', count(*)), null
      from removed cross join unnest(had) as h(t) where t = any(${textArray(tags)}) group by t
    )
    select count(*)::int as n from removed`);
  return Number((r.rows[0] as { n: number }).n);
}
