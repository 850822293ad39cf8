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
import { PgDialect } from "drizzle-orm/pg-core";
import type { Db } from "../../db/client.ts";
import { inboxDeleteSql } from "../../db/queries/click-inbox.ts";
import { outboxClicksSql } from "../../db/queries/webhook-outbox.ts";
import type { ClickRecord } from "./enrich.ts";
import { rollupCtes } from "./commit-rollups.ts";
import { aggregate } from "./rollup.ts";
import { textArray, typedArray } from "../../db/sql-arrays.ts";

/** SQLSTATE raised by eatmyurl_ingest_all_new() when a batch holds clicks already stored. */
const ALREADY_STORED = "EMU01";

const COLUMNS = [
  "id", "link_id", "ts", "kind", "reason", "visitor", "user_agent", "referrer", "referrer_host", "country",
  "region", "city", "device", "browser", "os", "utm_source", "utm_medium", "utm_campaign", "query", "chosen_url",
  "chosen_by",
] as const satisfies readonly (keyof ClickRecord)[];

const COLUMN_LIST = sql.raw(COLUMNS.join(", "));

export interface CommitResult {
  /** Clicks really inserted (the others were already there). */
  inserted: number;
}

/**
 * A batch ready for Postgres: built ahead (string work and aggregation in the Worker) so the commit can start at
 * once. Its statement is rendered to text here too, not when it is sent: the run counts the batch's delivery
 * just before sending it (stale.ts), and rendering is part of the chunk's CPU work, which a run killed for its
 * CPU time must be able to die in without that count.
 */
export interface SqlBatch {
  records: ClickRecord[];
  inboxIds: string[];
  /** The one-statement commit, for when every click is new... */
  statement: SQL;
  /** ...rendered: its text and parameters (the parameters are the statement's own strings, not copies). */
  query: { sql: string; params: unknown[] };
}

const dialect = new PgDialect();

export function sqlBatch(records: ClickRecord[], inboxIds: string[] = []): SqlBatch {
  const rollups = rollupCtes(aggregate(records), sql`(select inserted from n) = ${records.length}`);
  const statement = sql`
    with ${insertCtes(records, inboxIds)},
    n as (select count(*) as inserted from ins)
    ${rollups ? sql`, ${rollups}` : sql``}
    select eatmyurl_ingest_all_new((select inserted from n), ${records.length}) as inserted`;
  return { records, inboxIds, statement, query: dialect.sqlToQuery(statement) };
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
      const result = await client.query<{ inserted: number }>(batch.query.sql, batch.query.params);
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
 * CTEs `durable`, `src`, `ins` (the ids inserted), `inbox` and `webhook_clicks`: a durable commit whatever
 * the server's default (the clicks are deleted from Redis right after it), the raw insert, by id, the inbox
 * delete (its SQL is in db/queries/click-inbox.ts with the inbox's other queries), and the webhook outbox
 * rows of exactly the clicks inserted (db/queries/webhook-outbox.ts): in the commit, so a clicks event exists iff
 * its click committed, on the one-statement path and the careful one alike.
 */
function insertCtes(batch: ClickRecord[], inboxIds: string[]) {
  const records = [...batch].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)); // the lock order
  const arrays = sql.join(
    COLUMNS.map((c) => (c === "ts" ? typedArray(records.map((r) => r.ts), "timestamptz") : textArray(records.map((r) => r[c])))),
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
      ${inboxDeleteSql(textArray(inboxIds))}
    ),
    webhook_clicks as (
      ${outboxClicksSql(sql`select id from ins`)}
    )`;
}

