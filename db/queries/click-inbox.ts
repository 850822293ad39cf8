/**
 * The SQL of click_inbox (db/schema/click-inbox.ts): the redirect writes a click there when the Redis stream
 * refuses it, the ingest reads it from there, the status route counts what waits there.
 *
 * The one piece in raw SQL is the delete: it is a data-modifying CTE of the ingest's one-statement commit
 * (functions/ingest/commit.ts), so a batch's rows leave the inbox in the transaction that inserts them, in the
 * same round trip. On its own it would be a second round trip per inbox batch, and no longer atomic with
 * the insert.
 */
import { inArray, sql, type SQL } from "drizzle-orm";
import type { ClickEvent } from "../../functions/shared/click-event.ts";
import type { Db } from "../client.ts";
import { clickInbox } from "../schema.ts";

/** Inserts the events keyed by click id; an id already there (a retried write) is left as it is. */
export async function insertInboxEvents(db: Db, events: readonly ClickEvent[]): Promise<void> {
  if (!events.length) return;
  await db.insert(clickInbox).values(events.map((e) => ({ id: e.id, event: e }))).onConflictDoNothing();
}

export interface InboxRow {
  id: string;
  /** The ClickEvent as the redirect wrote it (jsonb). */
  event: unknown;
}

/**
 * The oldest inbox rows: clicks the redirect wrote to Postgres while Redis was down. At most `limit` rows,
 * and, past the first, only while their events add up to `maxBytes` (of JSON text): a reply and a batch
 * bounded in bytes as the stream's are.
 */
export async function readInbox(db: Db, limit: number, maxBytes = Number.MAX_SAFE_INTEGER): Promise<InboxRow[]> {
  // `event` as the driver parses jsonb: the column's own decoder would parse a JSON string value once more.
  const r = await db.execute<{ id: string; event: unknown }>(sql`
    select id, event from (
      select id, event, received_at, row_number() over w as n,
             sum(octet_length(event::text)) over w as upto
      from (select id, event, received_at from ${clickInbox} order by received_at, id limit ${limit}) oldest
      window w as (order by received_at, id)
    ) t
    where n = 1 or upto <= ${maxBytes}
    order by received_at, id`);
  return r.rows;
}

/** Deletes inbox rows by click id (rows set aside as dead letters after their batch's commit). */
export async function deleteInboxRows(db: Db, ids: readonly string[]): Promise<void> {
  if (ids.length) await db.delete(clickInbox).where(inArray(clickInbox.id, [...ids]));
}

/** What waits in the inbox: its rows, and when the oldest arrived (epoch ms; null when it is empty). */
export async function inboxBacklog(db: Db): Promise<{ rows: number; oldest: number | null }> {
  const [row] = await db
    .select({
      rows: sql<number>`count(*)::int`,
      oldest: sql<number | null>`(extract(epoch from min(${clickInbox.receivedAt})) * 1000)::float8`,
    })
    .from(clickInbox);
  return { rows: Number(row.rows), oldest: row.oldest === null ? null : Number(row.oldest) };
}

/** The delete of the inbox rows whose ids `ids` (a text[] expression) holds, as a CTE of the commit statement. */
export const inboxDeleteSql = (ids: SQL): SQL => sql`delete from click_inbox where id = any(${ids})`;
