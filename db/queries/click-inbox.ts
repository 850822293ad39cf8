/**
 * The SQL of click_inbox (db/schema/click-inbox.ts): the redirect writes a click there when the Redis stream
 * refuses it, the ingest reads it from there, the status route counts what waits there.
 *
 * The one piece in raw SQL is the delete: it is a data-modifying CTE of the ingest's one-statement commit
 * (functions/ingest/commit.ts), so a batch's rows leave the inbox in the transaction that inserts them, in the
 * same round trip. On its own it would be a second round trip per inbox batch, and no longer atomic with
 * the insert.
 */
import { sql, type SQL } from "drizzle-orm";
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

/** The oldest inbox rows: clicks the redirect wrote to Postgres while Redis was down. */
export function readInbox(db: Db, limit: number): Promise<InboxRow[]> {
  return db
    // `event` as the driver parses jsonb: the column's own decoder would parse a JSON string value once more.
    .select({ id: clickInbox.id, event: sql<unknown>`${clickInbox.event}` })
    .from(clickInbox)
    .orderBy(clickInbox.receivedAt, clickInbox.id)
    .limit(limit);
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
