/**
 * The inbox part of a run: clicks the redirect wrote to Postgres while Redis was down, in batches bounded in
 * bytes like stream batches and sized to the run's CPU budget (budget.ts). Dead letters go to Redis before
 * the rows leave the inbox; a row's delete is in the statement that inserts its click (commit.ts).
 */
import type { Redis } from "@upstash/redis/cloudflare";
import { deleteInboxRows, readInbox } from "../../db/queries/click-inbox.ts";
import type { Db } from "../../db/client.ts";
import { prepare } from "./batch.ts";
import type { RunBudget } from "./budget.ts";
import { sqlBatch } from "./commit.ts";
import { commitIsolating } from "./isolate.ts";
import { recordBytes } from "./limits.ts";
import type { CommittedBatch, Settings } from "./settings.ts";
import { acknowledge } from "./stream.ts";

export interface InboxRun {
  redis: Redis;
  db: Db;
  settings: Settings;
  budget: RunBudget;
  afterCommit?: (batch: CommittedBatch) => void | Promise<void>;
  /** A batch committed: inserted clicks, rows processed, dead letters. */
  tally(inserted: number, processed: number, dead: number): void;
}

/** Inbox batches, one at a time, until the inbox is empty (true) or the run's budget is spent (false). */
export async function ingestInbox(run: InboxRun): Promise<boolean> {
  const { redis, db, budget } = run;
  const { batchSize, commitBytes, redisBytes } = run.settings;
  while (!budget.spent()) {
    const rows = await readInbox(db, budget.readCount(batchSize, true), commitBytes);
    if (rows.length === 0) return true;
    const { records, dead } = prepare(rows.map((r) => ({ from: `inbox:${r.id}`, e: r.event })));
    // One click a row: the next read is sized from the costliest of them.
    budget.cpu.parsed([...records.map((r) => ({ count: 1, bytes: recordBytes(r) })), ...dead.map(() => ({ count: 1, bytes: 0 }))]);
    budget.chunk();
    await acknowledge(redis, [], dead, redisBytes);
    const ids = rows.map((r) => r.id);
    const { inserted, refused } = await commitIsolating(db, sqlBatch(records, ids));
    if (refused.length) {
      const events = new Map(rows.map((r) => [r.id, r.event]));
      await acknowledge(redis, [], refused.map((r) => ({
        from: `inbox:${r.record.id}`, e: JSON.stringify(events.get(r.record.id) ?? null), reason: r.reason,
      })), redisBytes);
      await deleteInboxRows(db, refused.map((r) => r.record.id));
    }
    await run.afterCommit?.({ source: "inbox", ids, inserted });
    run.tally(inserted, rows.length, dead.length + refused.length);
  }
  return false;
}
