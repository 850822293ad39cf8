/**
 * A commit Postgres refuses because of what a click holds (a data exception, a constraint, a size limit)
 * would fail the same way every time, and its whole batch with it. Such a batch is split in halves, each
 * committed on its own, down to the single clicks Postgres refuses: those become dead letters, the rest
 * is ingested. Any other failure (connection lost, timeout, Postgres shutting down, a deadlock) says
 * nothing about the clicks: it is thrown, the batch stays pending and is retried whole later.
 */
import type { Db } from "../../db/client.ts";
import type { ClickRecord } from "./enrich.ts";
import { commitBatch, sqlBatch, sqlState, type SqlBatch } from "./commit.ts";

/**
 * SQLSTATE classes that depend on the values sent: 22 data exception, 23 integrity constraint violation,
 * 54 program limit exceeded (an index row or a value too large).
 */
const DATA_CLASSES = new Set(["22", "23", "54"]);

export const isDataError = (e: unknown) => DATA_CLASSES.has(sqlState(e)?.slice(0, 2) ?? "");

export interface Refusal {
  record: ClickRecord;
  reason: string;
}

export interface IsolatedCommit {
  inserted: number;
  /** Clicks Postgres refused even alone (their inbox rows are not deleted: the caller dead-letters them first). */
  refused: Refusal[];
}

/** Postgres's own message (the ORM wraps it in one that quotes the whole statement). */
function pgMessage(e: unknown): string {
  for (let x: unknown = e; x instanceof Error; x = x.cause) if ("code" in x) return x.message;
  return String((e as Error)?.message ?? e);
}

const reasonOf = (e: unknown) => `Postgres refused it: ${pgMessage(e).slice(0, 300)} (SQLSTATE ${sqlState(e)})`;

/** Commits the batch; when Postgres refuses its data, commits the clicks it does accept (see above). */
export async function commitIsolating(db: Db, batch: SqlBatch): Promise<IsolatedCommit> {
  try {
    return { ...(await commitBatch(db, batch)), refused: [] };
  } catch (e) {
    if (!isDataError(e)) throw e;
    return bisect(db, batch.records, batch.inboxIds, e);
  }
}

async function bisect(db: Db, records: ClickRecord[], inboxIds: string[], error: unknown): Promise<IsolatedCommit> {
  if (records.length <= 1) {
    // Inbox rows of this part that hold no click (dead letters already written) can still go.
    const others = inboxIds.filter((id) => id !== records[0]?.id);
    const rest = others.length ? await commitBatch(db, sqlBatch([], others)) : { inserted: 0 };
    return { inserted: rest.inserted, refused: records.map((record) => ({ record, reason: reasonOf(error) })) };
  }
  const mid = Math.ceil(records.length / 2);
  const halves = [records.slice(0, mid), records.slice(mid)];
  // Inbox ids follow their clicks; those without one go with the first half.
  const second = new Set(halves[1].map((r) => r.id));
  const ids = [inboxIds.filter((id) => !second.has(id)), inboxIds.filter((id) => second.has(id))];
  const out: IsolatedCommit = { inserted: 0, refused: [] };
  for (let i = 0; i < 2; i++) {
    let part: IsolatedCommit;
    try {
      part = { ...(await commitBatch(db, sqlBatch(halves[i], ids[i]))), refused: [] };
    } catch (e) {
      if (!isDataError(e)) throw e;
      part = await bisect(db, halves[i], ids[i], e);
    }
    out.inserted += part.inserted;
    out.refused.push(...part.refused);
  }
  return out;
}
