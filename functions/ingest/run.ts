/**
 * THE ingestion routine, run by the cron (every minute) and by POST /api/v1/ingest/flush: drains the click
 * stream (and the Postgres inbox the redirect falls back to when Redis is down) into Postgres.
 *
 * Exactly once, step by step, for each batch:
 *   read (entries become pending) -> parse and enrich (unusable ones set aside as dead letters)
 *   -> ONE transaction: raw insert ON CONFLICT DO NOTHING + rollups of the inserted rows (+ inbox delete)
 *   -> acknowledge (dead letters, XACK, XDEL in one MULTI).
 * A crash before the commit: nothing written, the entries stay pending and are claimed again later.
 * A crash after the commit, before the acknowledgement: the entries are delivered again, their insert
 * finds every id present, so nothing is counted twice; then they are acknowledged.
 * Postgres down: the transaction fails, nothing is acknowledged, the run stops and reports the error.
 */
import type { Redis } from "@upstash/redis/cloudflare";
import type { Db } from "../../db/client.ts";
import type { Env } from "../shared/env.ts";
import { parseClick, type ClickRecord } from "./enrich.ts";
import { commitBatch, readInbox, sqlBatch, type SqlBatch } from "./commit.ts";
import { claimStale, ensureGroup, readNew, settle, type DeadLetter, type StreamEntry } from "./stream.ts";

export interface IngestSettings {
  batchSize: number;
  budgetMs: number;
  claimIdleMs: number;
}

export const ingestSettings = (env: Env): IngestSettings => ({
  batchSize: env.INGEST_BATCH_SIZE,
  budgetMs: env.INGEST_BUDGET_MS,
  claimIdleMs: env.INGEST_CLAIM_IDLE_MS,
});

export interface BatchInfo {
  source: "stream" | "inbox";
  /** Stream entry ids or inbox click ids of the batch. */
  ids: string[];
  inserted: number;
}

export interface IngestDeps {
  redis: Redis;
  db: Db;
  settings: IngestSettings;
  /** Runs between the commit and the acknowledgement of each batch (tests simulate a crash there). */
  afterCommit?: (batch: BatchInfo) => void | Promise<void>;
}

export interface IngestResult {
  /** Clicks inserted (new rows) by this run. */
  ingested: number;
  /** Entries and inbox rows processed, duplicates and dead letters included. */
  processed: number;
  deadLettered: number;
  batches: number;
  /** False when the time budget ran out before the stream and the inbox were empty. */
  drained: boolean;
  ms: number;
}

interface Prepared {
  records: ClickRecord[];
  dead: DeadLetter[];
}

/** Parses and enriches a batch; a click id seen twice in it (stream and inbox, a retried XADD) goes once. */
export function prepare(items: { from: string; e: unknown }[], now = Date.now()): Prepared {
  const records: ClickRecord[] = [];
  const dead: DeadLetter[] = [];
  const seen = new Set<string>();
  for (const item of items) {
    const p = parseClick(item.e, now);
    if (!p.ok) {
      const e = typeof item.e === "string" ? item.e : item.e == null ? "" : JSON.stringify(item.e);
      dead.push({ from: item.from, e, reason: p.reason });
    } else if (!seen.has(p.record.id)) {
      seen.add(p.record.id);
      records.push(p.record);
    }
  }
  return { records, dead };
}

export const emptyResult = (): IngestResult =>
  ({ ingested: 0, processed: 0, deadLettered: 0, batches: 0, drained: false, ms: 0 });

interface StreamBatch {
  sql: SqlBatch;
  dead: DeadLetter[];
  ids: string[];
  /** Pending ids whose entry is gone: acknowledged with the batch. */
  gone: string[];
}

function streamBatch(entries: StreamEntry[], gone: string[] = []): StreamBatch {
  const { records, dead } = prepare(entries.map((x) => ({ from: x.id, e: x.e })));
  return { sql: sqlBatch(records), dead, ids: entries.map((x) => x.id), gone };
}

/**
 * Runs until the stream and the inbox are empty or the time budget is spent. `result` is filled as batches
 * commit, so a caller still knows what a run did before an error stopped it.
 *
 * Stream batches are pipelined: two commits run side by side (commit.ts says why that is safe), the
 * next batch is read and enriched meanwhile, and acknowledgements overlap later commits. Each batch
 * is still acknowledged only after its own commit; a batch left behind by an error is simply pending, and
 * claimed again later (a committed one then inserts and counts nothing).
 */
export async function runIngest(deps: IngestDeps, result = emptyResult()): Promise<IngestResult> {
  const { redis, db, settings } = deps;
  const started = Date.now();
  const spent = () => Date.now() - started >= settings.budgetMs;
  const tally = (inserted: number, processed: number, dead: number) => {
    result.ms = Date.now() - started;
    result.ingested += inserted;
    result.processed += processed;
    result.deadLettered += dead;
    result.batches++;
  };

  let settling: Promise<void> = Promise.resolve();
  const commitStream = async (b: StreamBatch) => {
    const { inserted } = await commitBatch(db, b.sql);
    await deps.afterCommit?.({ source: "stream", ids: b.ids, inserted });
    const previous = settling;
    settling = previous.then(() => settle(redis, [...b.ids, ...b.gone], b.dead));
    settling.catch(() => {}); // surfaced by the next await of `settling`, not as an unhandled rejection
    await previous;
    tally(inserted, b.ids.length + b.gone.length, b.dead.length);
  };

  const readAhead = () => {
    const p = readNew(redis, settings.batchSize).then((entries) => streamBatch(entries));
    p.catch(() => {}); // awaited below, or abandoned (its entries stay pending) when a commit fails
    return p;
  };

  /** Returns true once the stream is empty. */
  const drainStream = async (): Promise<boolean> => {
    await ensureGroup(redis);
    // 1. What dead runs left pending. Scanned once a run; entries this run holds are never idle enough.
    let cursor = "0-0";
    do {
      const claim = await claimStale(redis, cursor, settings.batchSize, settings.claimIdleMs);
      cursor = claim.cursor;
      if (claim.entries.length || claim.gone.length) await commitStream(streamBatch(claim.entries, claim.gone));
    } while (cursor !== "0-0" && !spent());
    // 2. New entries, one batch read ahead and two commits in flight, so Postgres always has the next
    //    statement (a second core works on it where the two touch different rows).
    let committing: Promise<void> = Promise.resolve();
    const drainNew = async (): Promise<boolean> => {
      let next: Promise<StreamBatch> | null = spent() ? null : readAhead();
      while (next) {
        const batch: StreamBatch = await next;
        if (batch.ids.length === 0) return true;
        next = spent() ? null : readAhead();
        const previous = committing;
        committing = commitStream(batch);
        committing.catch(() => {}); // awaited below
        await previous;
      }
      return false;
    };
    try {
      const empty = await drainNew();
      await committing;
      return empty;
    } catch (e) {
      await committing.catch(() => {}); // the run ends only when no commit of it is in flight
      throw e;
    }
  };

  /** The inbox; returns true once it is empty. Dead letters go to Redis before the rows leave the inbox. */
  const drainInbox = async (): Promise<boolean> => {
    while (!spent()) {
      const rows = await readInbox(db, settings.batchSize);
      if (rows.length === 0) return true;
      const { records, dead } = prepare(rows.map((r) => ({ from: `inbox:${r.id}`, e: r.event })));
      await settle(redis, [], dead);
      const ids = rows.map((r) => r.id);
      const { inserted } = await commitBatch(db, sqlBatch(records, ids));
      await deps.afterCommit?.({ source: "inbox", ids, inserted });
      tally(inserted, rows.length, dead.length);
      if (rows.length < settings.batchSize) return true;
    }
    return false;
  };

  let streamEmpty = false;
  let streamError: unknown = null;
  try {
    streamEmpty = await drainStream();
  } catch (e) {
    streamError = e;
  } finally {
    // An acknowledgement still in flight belongs to this run: wait for it (its failure is reported too).
    await settling.catch((e) => { streamError ??= e; });
  }
  // The inbox fills while Redis is down, so it is drained even when the stream part failed.
  let inboxEmpty = false;
  try {
    inboxEmpty = await drainInbox();
  } catch (e) {
    if (!streamError) throw e;
    console.error("ingest: the inbox failed too:", e);
  }
  if (streamError) throw streamError;

  result.drained = streamEmpty && inboxEmpty;
  result.ms = Date.now() - started;
  return result;
}
