/**
 * The Postgres half of ingestion: a batch's raw clicks inserted idempotently, and ONLY the rows really
 * inserted added to the rollups (db/schema/rollups.ts), atomically.
 *
 * The Worker aggregates the rollup deltas ahead of time (rollup.ts), while the previous batch
 * commits, so the commit is ONE statement in its own transaction: one round trip to Neon. Its raw insert
 * goes ON CONFLICT DO NOTHING, and the precomputed deltas are right only if every click was new, so the
 * statement ends in eatmyurl_ingest_all_new() (db/migrations/0002_ingest_guard.sql), which aborts it,
 * rollups and all, when some click was stored before (a batch delivered again, the inbox and the stream
 * holding the same id). That rare batch then goes the careful way: in a transaction, the insert returns
 * the ids already present, and the rollups of the others are aggregated again and added.
 *
 * Commits run side by side (two per run, and overlapping runs: the cron and a QStash call), on both
 * cores of the database when they can. Counting stays exact: ON CONFLICT acts on the latest committed row,
 * waiting for a concurrent writer of the same key, whatever the statement's snapshot, and so does the
 * count of rows inserted. Nor can two commits deadlock: every commit takes its row locks in one global
 * order, the raw clicks by id, then each rollup table in a fixed order, by key within it (ALL_LINKS last,
 * see rollup.ts). Should Postgres still report one, the batch fails like any other and is retried.
 *
 * Input goes in as one array parameter per column (unnest): Postgres parses arrays about twice as fast
 * as json_to_recordset, and the parameter count stays fixed whatever the batch size.
 */
import { sql, type SQL } from "drizzle-orm";
import { drizzle } from "drizzle-orm/neon-serverless";
import type { Db } from "../../db/client.ts";
import { inboxDeleteSql } from "../../db/queries/click-inbox.ts";
import { outboxClicksSql } from "../../db/queries/webhooks.ts";
import type { ClickRecord } from "./enrich.ts";
import { aggregate } from "./rollup.ts";
import type { DimRows, Rollups } from "./rollup-shape.ts";
import { DIM_BLOCK_SPANS } from "../../db/schema/rollups.ts";
import { blockStartSql, mayBeSealed } from "../../db/queries/dim-blocks.ts";

/** SQLSTATE raised by eatmyurl_ingest_all_new() when a batch holds clicks already stored. */
const ALREADY_STORED = "EMU01";

const COLUMNS = [
  "id", "link_id", "ts", "kind", "reason", "visitor", "user_agent", "referrer", "referrer_host", "country",
  "region", "city", "device", "browser", "os", "utm_source", "utm_medium", "utm_campaign", "query", "chosen_url",
  "chosen_by",
] as const satisfies readonly (keyof ClickRecord)[];

const COLUMN_LIST = sql.raw(COLUMNS.join(", "));

const COUNTER_SET = sql.raw(
  ["clicks", "humans", "bots", "previews"].map((c) => `${c} = r.${c} + excluded.${c}`).join(", "),
);

export interface CommitResult {
  /** Clicks really inserted (the others were already there). */
  inserted: number;
}

/** A batch ready for Postgres: built ahead (string work and aggregation in the Worker) so the commit can start at once. */
export interface SqlBatch {
  records: ClickRecord[];
  inboxIds: string[];
  /** The one-statement commit, for when every click is new. */
  statement: SQL;
}

export function sqlBatch(records: ClickRecord[], inboxIds: string[] = []): SqlBatch {
  const rollups = rollupCtes(aggregate(records), sql`(select inserted from n) = ${records.length}`);
  const statement = sql`
    with ${insertCtes(records, inboxIds)},
    n as (select count(*) as inserted from ins)
    ${rollups ? sql`, ${rollups}` : sql``}
    select eatmyurl_ingest_all_new((select inserted from n), ${records.length}) as inserted`;
  return { records, inboxIds, statement };
}

/**
 * Inserts the batch's clicks and updates the rollups for the new ones, and deletes its inbox ids, all in one
 * transaction. Safe to run again with the same clicks: the second time inserts and counts nothing.
 */
export async function commitBatch(db: Db, batch: SqlBatch): Promise<CommitResult> {
  if (batch.records.length === 0 && batch.inboxIds.length === 0) return { inserted: 0 };
  // A connection of our own: the pool's one-off query would drop its connection on the expected abort.
  const client = await db.$client.connect();
  const conn = drizzle({ client });
  let failed: Error | undefined;
  try {
    try {
      const result = await conn.execute<{ inserted: number }>(batch.statement);
      return { inserted: Number(result.rows[0].inserted) };
    } catch (e) {
      if (sqlState(e) !== ALREADY_STORED) throw e;
    }
    return await conn.transaction(async (tx) => {
      const result = await tx.execute<{ inserted: number; present: string[] }>(sql`
        with ${insertCtes(batch.records, batch.inboxIds)}
        select (select count(*) from ins)::int as inserted,
               array(select id from src except all select id from ins) as present`);
      const { inserted, present } = result.rows[0];
      const stored = new Set(present);
      const rollups = rollupCtes(aggregate(batch.records.filter((r) => !stored.has(r.id))), sql`true`);
      if (rollups) await tx.execute(sql`with ${rollups} select 1`);
      return { inserted: Number(inserted) };
    });
  } catch (e) {
    failed = e instanceof Error ? e : new Error(String(e));
    throw e;
  } finally {
    client.release(failed); // a connection that failed otherwise is not trusted again
  }
}

/** The SQLSTATE of a Postgres error, also when the ORM wraps it. */
export function sqlState(e: unknown): string | undefined {
  for (let x: unknown = e; x instanceof Error; x = x.cause) {
    if ("code" in x && typeof x.code === "string") return x.code;
  }
  return undefined;
}

/**
 * A Postgres array literal: every element quoted (NULL aside), backslash and double quote escaped.
 * JSON.stringify writes exactly that, natively and in one string, as long as it escapes nothing (JSON's
 * \n or \u0001 would mean something else to Postgres): then only the brackets change. Building the literal
 * piece by piece instead kept every piece alive until the end, and the garbage collector copying them was
 * a large part of the Worker's time per batch.
 */
export function arrayLiteral(values: readonly (string | null)[]): string {
  const json = JSON.stringify(values);
  if (!json.includes("\\")) return `{${json.slice(1, -1)}}`; // null stays null: Postgres reads it as NULL
  return `{${values.map((v) => (v === null ? "NULL" : `"${v.replace(/[\\"]/g, "\\$&")}"`)).join(",")}}`;
}

const text = (values: readonly (string | null)[]) => sql`${arrayLiteral(values)}::text[]`;
const typed = (values: readonly string[], type: "timestamptz" | "date") => sql`${arrayLiteral(values)}::${sql.raw(type)}[]`;
/** Integers (numbers, or decimal strings for bigint) need no quoting. */
const integers = (values: readonly (number | string)[], type: "smallint" | "int" | "bigint") =>
  sql`${`{${values.join(",")}}`}::${sql.raw(type)}[]`;
/** The four counters of rollup rows as int[] parameters. */
const counters = (counts: readonly number[][]) =>
  sql.join([0, 1, 2, 3].map((i) => integers(counts.map((c) => c[i]), "int")), sql`, `);

/**
 * CTEs `durable`, `src`, `ins` (the ids inserted), `inbox` and `webhook_clicks`: a durable commit whatever
 * the server's default (the clicks are deleted from Redis right after it), the raw insert, by id, the inbox
 * delete (its SQL is in db/queries/click-inbox.ts with the inbox's other queries), and the webhook outbox
 * rows of exactly the clicks inserted (db/queries/webhooks.ts): in the commit, so a clicks event exists iff
 * its click committed, on the one-statement path and the careful one alike.
 */
function insertCtes(batch: ClickRecord[], inboxIds: string[]) {
  const records = [...batch].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)); // the lock order
  const arrays = sql.join(
    COLUMNS.map((c) => (c === "ts" ? typed(records.map((r) => r.ts), "timestamptz") : text(records.map((r) => r[c])))),
    sql`, `,
  );
  return sql`
    durable as (
      select set_config('synchronous_commit', 'on', true)
    ),
    src as (
      select t.* from durable, unnest(${arrays}) as t(${COLUMN_LIST})
    ),
    ins as (
      insert into clicks (${COLUMN_LIST})
      select ${COLUMN_LIST} from src
      on conflict (id) do nothing
      returning id
    ),
    inbox as (
      ${inboxDeleteSql(text(inboxIds))}
    ),
    webhook_clicks as (
      ${outboxClicksSql(sql`select id from ins`)}
    )`;
}

/** The daily rows of days that may be sealed (db/queries/dim-blocks.ts mayBeSealed); null when none. */
function lateDays(d: DimRows, now: number): DimRows | null {
  const keep = d.at.flatMap((day, i) => (mayBeSealed(day, now) ? [i] : []));
  if (!keep.length) return null;
  return { link: keep.map((i) => d.link[i]), at: keep.map((i) => d.at[i]), dim: keep.map((i) => d.dim[i]), value: keep.map((i) => d.value[i]), counts: keep.map((i) => d.counts[i]) };
}

/**
 * The upsert of late clicks into the dimension blocks of their sealed days. FOR SHARE reads the seal's latest
 * version, whatever the statement's snapshot, and holds it until commit: a fold waits for this commit, or
 * this commit for the fold (db/queries/dim-blocks.ts). The seal is a scalar subquery: read as a plain FROM
 * item, the 10,000-click commit took 1.1-1.3 s instead of 0.5 s in most runs, with the same plan and no
 * node to show for the time. Only in commits with clicks of days that may be sealed: the others need no
 * block, and their statement stays as it was.
 */
function blockCtes(d: DimRows, when: SQL): SQL {
  return sql`
    seal as (
      select (select sealed_before from dims_seal for share) as sealed_before
    ),
    dims_blocks as (
      insert into clicks_dims_blocks as r (link_id, days, start, dim, value, clicks, humans, bots, previews)
      select d.link_id, s.days, ${blockStartSql(sql`d.day`, sql`s.days`)}, d.dim, d.value,
             sum(d.clicks), sum(d.humans), sum(d.bots), sum(d.previews)
      from unnest(${text(d.link)}, ${typed(d.at, "date")}, ${text(d.dim)}, ${text(d.value)}, ${counters(d.counts)})
        as d(link_id, day, dim, value, clicks, humans, bots, previews)
      cross join seal cross join unnest(${integers(DIM_BLOCK_SPANS, "smallint")}) as s(days)
      where ${when} and d.day < seal.sealed_before
        and ${blockStartSql(sql`d.day`, sql`s.days`)} + s.days <= seal.sealed_before
      group by 1, 2, 3, 4, 5
      order by d.link_id = '*', 1, 2, 3, 4, 5
      on conflict (link_id, days, start, dim, value) do update set ${COUNTER_SET}
    )`;
}

/**
 * The rollup upserts (data-modifying CTEs) of a batch's new clicks; null when there are none. `when` gates
 * their input: it refers to `ins`, so they start only after the raw insert (keeping the lock order).
 */
function rollupCtes(r: Rollups, when: SQL): SQL | null {
  if (r.hourly.link.length === 0) return null;
  const dims = (d: DimRows, time: "timestamptz" | "date") =>
    sql`select * from unnest(${text(d.link)}, ${typed(d.at, time)}, ${text(d.dim)}, ${text(d.value)}, ${counters(d.counts)}) where ${when}`;
  const f = r.firsts;
  const t = r.linkTotals;
  const late = lateDays(r.dimsDaily, Date.now());
  return sql`
    dims_hourly as (
      insert into clicks_dims_hourly as r (link_id, hour, dim, value, clicks, humans, bots, previews)
      ${dims(r.dimsHourly, "timestamptz")}
      on conflict (link_id, hour, dim, value) do update set ${COUNTER_SET}
    ),
    dims_daily as (
      insert into clicks_dims_daily as r (link_id, day, dim, value, clicks, humans, bots, previews)
      ${dims(r.dimsDaily, "date")}
      on conflict (link_id, day, dim, value) do update set ${COUNTER_SET}
    ),
    ${late ? sql`${blockCtes(late, when)},` : sql``}
    link_totals as (
      insert into link_totals as r (days, start, link_id, clicks, humans, bots, previews)
      select * from unnest(${integers(t.days, "smallint")}, ${typed(t.start, "date")}, ${text(t.link)}, ${counters(t.counts)})
      where ${when}
      on conflict (days, start, link_id) do update set ${COUNTER_SET}
    ),
    -- Uniques: a visitor-day is counted in the hour of its first human click. The upsert returns the
    -- visitor-days this batch starts (prev_first_at null: +1 in their hour) and those it moves earlier
    -- (a late click older than the known first: -1 in the old hour, +1 in the new); others return nothing.
    -- The variant of the first click goes along (variant_uniques below); at equal first_at the smaller variant
    -- text, null first, is the first click, so the outcome does not depend on the order batches arrive in.
    visitors as (
      insert into visitor_days as v (day, link_id, visitor, first_at, variant)
      select * from unnest(${typed(f.day, "date")}, ${text(f.link)}, ${integers(f.visitor, "bigint")}, ${typed(f.at, "timestamptz")}, ${text(f.variant)})
      where ${when}
      on conflict (day, link_id, visitor) do update
        set first_at = excluded.first_at, prev_first_at = v.first_at, variant = excluded.variant, prev_variant = v.variant
        where (excluded.first_at, coalesce(excluded.variant, '') collate "C") < (v.first_at, coalesce(v.variant, '') collate "C")
      returning link_id, first_at, prev_first_at, variant, prev_variant
    ),
    -- Uniques per A/B variant: each visitor-day in the hour and variant of its first human click, moved as above.
    variant_uniques as (
      insert into variant_uniques_hourly as r (link_id, hour, variant, uniques)
      select link_id, hour, variant, sum(n)::int
      from (
        select link_id, date_trunc('hour', first_at, 'UTC') as hour, variant, 1 as n from visitors where variant is not null
        union all
        select link_id, date_trunc('hour', prev_first_at, 'UTC'), prev_variant, -1 from visitors
        where prev_first_at is not null and prev_variant is not null
      ) u
      group by link_id, hour, variant
      having sum(n) <> 0
      order by link_id, hour, variant
      on conflict (link_id, hour, variant) do update set uniques = r.uniques + excluded.uniques
    ),
    hourly as (
      select link_id, hour, sum(clicks)::int as clicks, sum(humans)::int as humans, sum(bots)::int as bots,
             sum(previews)::int as previews, sum(uniques)::int as uniques
      from (
        select link_id, hour, clicks, humans, bots, previews, 0 as uniques
        from unnest(${text(r.hourly.link)}, ${typed(r.hourly.hour, "timestamptz")}, ${counters(r.hourly.counts)})
          as h(link_id, hour, clicks, humans, bots, previews)
        where ${when}
        union all
        select link_id, date_trunc('hour', first_at, 'UTC'), 0, 0, 0, 0, 1 from visitors
        union all
        select link_id, date_trunc('hour', prev_first_at, 'UTC'), 0, 0, 0, 0, -1 from visitors where prev_first_at is not null
      ) u
      group by link_id, hour
    ),
    upsert_hourly as (
      insert into clicks_hourly as r (link_id, hour, clicks, humans, bots, previews, uniques)
      select * from hourly order by link_id = '*', link_id, hour
      on conflict (link_id, hour) do update set ${COUNTER_SET}, uniques = r.uniques + excluded.uniques
    )`;
}
