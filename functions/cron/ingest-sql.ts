/**
 * The Postgres half of ingestion: one transaction per batch that inserts the raw clicks idempotently and
 * folds ONLY the rows really inserted into the rollups (db/schema/rollups.ts), set-based, in one statement.
 *
 * One statement: its data-modifying CTEs feed on `ins`, the RETURNING of the raw insert, so a click
 * delivered twice (a re-delivered batch, the inbox and the stream holding the same id) is skipped by
 * ON CONFLICT and never reaches a rollup. The batch is aggregated with GROUP BY first, so each rollup row
 * is written once, in primary-key order. Every upsert is safe against a concurrent run on its own
 * (ON CONFLICT works on the latest committed row, uniques included: see `visitors`); the transaction-scoped
 * advisory lock taken first still serializes the commit step of overlapping runs (reading Redis and
 * enriching stay parallel), so they queue instead of contending for the same rollup rows.
 *
 * Input goes in as one array parameter per column (unnest): Postgres parses arrays about twice as fast
 * as json_to_recordset, and the parameter count stays at 20 whatever the batch size.
 */
import { sql, type SQL } from "drizzle-orm";
import { ALL_LINKS } from "../../db/schema/rollups.ts";
import type { Db } from "../shared/db.ts";
import type { ClickRecord } from "./ingest-enrich.ts";

/** Arbitrary constant: the advisory lock key of the ingest commit step. */
const INGEST_LOCK = 0x45_4d_55_49; // "EMUI"

const COLUMNS = [
  "id", "link_id", "ts", "kind", "reason", "visitor", "user_agent", "referrer", "referrer_host", "country",
  "region", "city", "device", "browser", "os", "utm_source", "utm_medium", "utm_campaign", "query",
] as const satisfies readonly (keyof ClickRecord)[];

const COLUMN_LIST = sql.raw(COLUMNS.join(", "));
const ALL = sql.raw(`'${ALL_LINKS}'`);

/** Dimension name -> column of the raw row. "link" exists only under ALL_LINKS and is added separately. */
const DIMS = sql.raw(
  [
    ["referrer", "referrer_host"], ["country", "country"], ["city", "city"], ["device", "device"],
    ["browser", "browser"], ["os", "os"], ["utm_source", "utm_source"], ["utm_medium", "utm_medium"],
    ["utm_campaign", "utm_campaign"],
  ].map(([dim, col]) => `('${dim}', k.${col})`).join(", "),
);

const COUNTER_SET = sql.raw(
  ["clicks", "humans", "bots", "previews"].map((c) => `${c} = r.${c} + excluded.${c}`).join(", "),
);

export interface CommitResult {
  /** Clicks really inserted (the others were already there). */
  inserted: number;
}

/** A batch ready for Postgres: built ahead (string work in the Worker) so the commit can start at once. */
export interface SqlBatch {
  records: number;
  inboxIds: number;
  statement: SQL;
}

export function sqlBatch(records: ClickRecord[], inboxIds: string[] = []): SqlBatch {
  return { records: records.length, inboxIds: inboxIds.length, statement: ingestStatement(records, inboxIds) };
}

/**
 * Inserts the batch's clicks and updates the rollups for the new ones, and deletes its inbox ids, all in one
 * transaction. Safe to run again with the same clicks: the second time inserts and counts nothing.
 */
export async function commitBatch(db: Db, batch: SqlBatch): Promise<CommitResult> {
  if (batch.records === 0 && batch.inboxIds === 0) return { inserted: 0 };
  return db.transaction(async (tx) => {
    // synchronous_commit on for this transaction whatever the server default: its clicks are deleted from
    // Redis right after the commit, so the commit must be durable first.
    await tx.execute(sql`select pg_advisory_xact_lock(${INGEST_LOCK}), set_config('synchronous_commit', 'on', true)`);
    const result = await tx.execute<{ inserted: number }>(batch.statement);
    return { inserted: Number(result.rows[0]?.inserted ?? 0) };
  });
}

/** A Postgres array literal: every element quoted (NULL aside), backslash and double quote escaped. */
export function arrayLiteral(values: readonly (string | null)[]): string {
  let out = "{";
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (i) out += ",";
    out += v === null ? "NULL" : v.includes('"') || v.includes("\\") ? `"${v.replace(/[\\"]/g, "\\$&")}"` : `"${v}"`;
  }
  return out + "}";
}

/** The one statement of a batch (exported for EXPLAIN in benchmarks). */
export function ingestStatement(records: ClickRecord[], inboxIds: string[]) {
  const arrays = sql.join(
    COLUMNS.map((c) => sql`${arrayLiteral(records.map((r) => r[c]))}::${sql.raw(c === "ts" ? "timestamptz" : "text")}[]`),
    sql`, `,
  );
  return sql`
    with src as (
      select * from unnest(${arrays}) as t(${COLUMN_LIST})
    ),
    ins as (
      insert into clicks (${COLUMN_LIST})
      select ${COLUMN_LIST} from src order by id
      on conflict (id) do nothing
      returning link_id, ts, kind, visitor, referrer_host, country, city, device, browser, os,
                utm_source, utm_medium, utm_campaign
    ),
    k as (
      select ins.*, date_trunc('hour', ts, 'UTC') as hour,
             (kind = 'human')::int as h, (kind = 'bot')::int as b, (kind = 'preview')::int as p
      from ins
    ),
    per_hour as (
      select link_id, hour, count(*)::int as clicks, sum(h)::int as humans, sum(b)::int as bots,
             sum(p)::int as previews
      from k group by link_id, hour
    ),
    dims_link as (
      select k.link_id, k.hour, d.dim, coalesce(d.value, '') as value, count(*)::int as clicks,
             sum(k.h)::int as humans, sum(k.b)::int as bots, sum(k.p)::int as previews
      from k cross join lateral (values ${DIMS}) as d(dim, value)
      group by 1, 2, 3, 4
    ),
    dims as (
      select * from dims_link
      union all
      select ${ALL}, hour, dim, value, sum(clicks)::int, sum(humans)::int, sum(bots)::int, sum(previews)::int
      from dims_link group by hour, dim, value
      union all
      select ${ALL}, hour, 'link', link_id, clicks, humans, bots, previews from per_hour
    ),
    dims_hourly as (
      insert into clicks_dims_hourly as r (link_id, hour, dim, value, clicks, humans, bots, previews)
      select * from dims order by link_id, hour, dim, value
      on conflict (link_id, hour, dim, value) do update set ${COUNTER_SET}
    ),
    dims_daily as (
      insert into clicks_dims_daily as r (link_id, day, dim, value, clicks, humans, bots, previews)
      select link_id, (hour at time zone 'UTC')::date, dim, value, sum(clicks), sum(humans), sum(bots), sum(previews)
      from dims group by 1, 2, 3, 4 order by 1, 2, 3, 4
      on conflict (link_id, day, dim, value) do update set ${COUNTER_SET}
    ),
    -- Uniques: a visitor-day is counted in the hour of its first human click. The upsert returns the
    -- visitor-days this batch starts (prev_first_at null: +1 in their hour) and those it moves earlier
    -- (a late click older than the known first: -1 in the old hour, +1 in the new); others return nothing.
    firsts as (
      select s.link_id, (k.ts at time zone 'UTC')::date as day, k.visitor, min(k.ts) as first_at
      from k cross join lateral (values (k.link_id), (${ALL})) as s(link_id)
      where k.kind = 'human'
      group by 1, 2, 3
    ),
    visitors as (
      insert into visitor_days as v (day, link_id, visitor, first_at)
      select day, link_id, visitor, first_at from firsts order by 1, 2, 3
      on conflict (day, link_id, visitor) do update
        set first_at = excluded.first_at, prev_first_at = v.first_at
        where excluded.first_at < v.first_at
      returning link_id, first_at, prev_first_at
    ),
    hourly as (
      select link_id, hour, sum(clicks)::int as clicks, sum(humans)::int as humans, sum(bots)::int as bots,
             sum(previews)::int as previews, sum(uniques)::int as uniques
      from (
        select link_id, hour, clicks, humans, bots, previews, 0 as uniques from per_hour
        union all
        select ${ALL}, hour, sum(clicks), sum(humans), sum(bots), sum(previews), 0 from per_hour group by hour
        union all
        select link_id, date_trunc('hour', first_at, 'UTC'), 0, 0, 0, 0, 1 from visitors
        union all
        select link_id, date_trunc('hour', prev_first_at, 'UTC'), 0, 0, 0, 0, -1 from visitors where prev_first_at is not null
      ) u
      group by link_id, hour
    ),
    upsert_hourly as (
      insert into clicks_hourly as r (link_id, hour, clicks, humans, bots, previews, uniques)
      select * from hourly order by link_id, hour
      on conflict (link_id, hour) do update set ${COUNTER_SET}, uniques = r.uniques + excluded.uniques
    ),
    inbox as (
      delete from click_inbox where id = any(${arrayLiteral(inboxIds)}::text[])
    )
    select count(*)::int as inserted from ins
  `;
}

export interface InboxRow {
  id: string;
  /** The ClickEvent as the redirect wrote it (jsonb). */
  event: unknown;
}

/** The oldest inbox rows: clicks the redirect wrote to Postgres while Redis was down. */
export async function readInbox(db: Db, limit: number): Promise<InboxRow[]> {
  const result = await db.execute<{ id: string; event: unknown }>(
    sql`select id, event from click_inbox order by received_at, id limit ${limit}`,
  );
  return result.rows;
}
