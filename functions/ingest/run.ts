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
import { readInbox } from "../../db/queries/click-inbox.ts";
import type { Env } from "../shared/env.ts";
import { parseEntry, type ClickRecord } from "./enrich.ts";
import { commitBatch, sqlBatch, type SqlBatch } from "./commit.ts";
import { acknowledge, claimStale, ensureGroup, readNew, type DeadLetter, type StreamEntry } from "./stream.ts";

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

/** A batch just committed, as afterCommit sees it. */
export interface CommittedBatch {
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
  afterCommit?: (batch: CommittedBatch) => void | Promise<void>;
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

/** A batch parsed and enriched: the clicks to commit, and the entries set aside as dead letters. */
interface PreparedBatch {
  records: ClickRecord[];
  dead: DeadLetter[];
}

/** Parses and enriches a batch; a click id seen twice in it (stream and inbox, a retried XADD) goes once. */
export function prepare(items: { from: string; e: unknown }[], now = Date.now()): PreparedBatch {
  const records: ClickRecord[] = [];
  const dead: DeadLetter[] = [];
  const seen = new Set<string>();
  for (const item of items) {
    // One entry may hold many clicks (a capture batch); each click is kept or dead-lettered on its own.
    for (const { parsed: p, text } of parseEntry(item.e, now)) {
      if (!p.ok) {
        dead.push({ from: item.from, e: text, reason: p.reason });
      } else if (!seen.has(p.record.id)) {
        seen.add(p.record.id);
        records.push(p.record);
      }
    }
  }
  return { records, dead };
}

export const emptyIngestResult = (): IngestResult =>
  ({ ingested: 0, processed: 0, deadLettered: 0, batches: 0, drained: false, ms: 0 });

/**
 * Runs until the stream and the inbox are empty or the time budget is spent. `result` is filled as batches
 * commit, so a caller still knows what a run did before an error stopped it.
 */
export async function runIngest(deps: IngestDeps, result = emptyIngestResult()): Promise<IngestResult> {
  const run = new IngestRun(deps, result);
  const stream = await run.drainStream();
  // The inbox fills while Redis is down, so it is drained even when the stream part failed.
  const inboxEmpty = await run.drainInbox(stream.error);
  if (stream.error) throw stream.error;
  return run.finish(stream.empty && inboxEmpty);
}

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
 * One run's steps and the promises it keeps in flight.
 *
 * Stream batches are pipelined: two commits run side by side (commit.ts says why that is safe), the
 * next batch is read and enriched meanwhile, and acknowledgements overlap later commits. Each batch
 * is still acknowledged only after its own commit; a batch left behind by an error is simply pending, and
 * claimed again later (a committed one then inserts and counts nothing).
 */
class IngestRun {
  private readonly started = Date.now();
  /** The last acknowledgement queued: each waits for the one before it, so they run one at a time, in order. */
  private acks: Promise<void> = Promise.resolve();
  /** The last stream commit started (its acknowledgement is queued once it is done). */
  private committing: Promise<void> = Promise.resolve();

  constructor(private readonly deps: IngestDeps, private readonly result: IngestResult) {}

  /** The stream part: what dead runs left, then the new entries. Its error is returned, for the inbox to go first. */
  async drainStream(): Promise<{ empty: boolean; error: unknown }> {
    let empty = false;
    let error: unknown = null;
    try {
      await ensureGroup(this.deps.redis);
      await this.drainStale();
      empty = await this.drainNew();
    } catch (e) {
      error = e;
    } finally {
      // An acknowledgement still in flight belongs to this run: wait for it (its failure is reported too).
      await this.acks.catch((e) => { error ??= e; });
    }
    return { empty, error };
  }

  /**
   * The inbox part; true once the inbox is empty. Its error is thrown, unless the stream part failed already:
   * then it is logged, and the stream's error is the run's.
   */
  async drainInbox(streamError: unknown): Promise<boolean> {
    try {
      return await this.inboxBatches();
    } catch (e) {
      if (!streamError) throw e;
      console.error("ingest: the inbox failed too:", e);
      return false;
    }
  }

  finish(drained: boolean): IngestResult {
    this.result.drained = drained;
    this.result.ms = Date.now() - this.started;
    return this.result;
  }

  /** 1. What dead runs left pending. Scanned once a run; entries this run holds are never idle enough. */
  private async drainStale() {
    const { redis, settings } = this.deps;
    let cursor = "0-0";
    do {
      const claim = await claimStale(redis, cursor, settings.batchSize, settings.claimIdleMs);
      cursor = claim.cursor;
      if (claim.entries.length || claim.gone.length) await this.commitStream(streamBatch(claim.entries, claim.gone));
    } while (cursor !== "0-0" && !this.spent());
  }

  /**
   * 2. New entries, one batch read ahead and two commits in flight, so Postgres always has the next
   *    statement (a second core works on it where the two touch different rows). True once the stream is empty.
   */
  private async drainNew(): Promise<boolean> {
    try {
      const empty = await this.readAndCommit();
      await this.committing;
      return empty;
    } catch (e) {
      await this.committing.catch(() => {}); // the run ends only when no commit of it is in flight
      throw e;
    }
  }

  private async readAndCommit(): Promise<boolean> {
    let next: Promise<StreamBatch> | null = this.spent() ? null : this.readAhead();
    while (next) {
      const batch: StreamBatch = await next;
      if (batch.ids.length === 0) return true;
      next = this.spent() ? null : this.readAhead();
      await this.commitBesidePrevious(batch);
    }
    return false;
  }

  /** The next batch, read and enriched while the current ones commit. */
  private readAhead(): Promise<StreamBatch> {
    const p = readNew(this.deps.redis, this.deps.settings.batchSize).then((entries) => streamBatch(entries));
    p.catch(() => {}); // awaited by readAndCommit, or abandoned (its entries stay pending) when a commit fails
    return p;
  }

  /** Starts the batch's commit and waits for the one before it: two commits in flight at most. */
  private async commitBesidePrevious(batch: StreamBatch) {
    const previous = this.committing;
    this.committing = this.commitStream(batch);
    this.committing.catch(() => {}); // awaited by the next call, or by drainNew
    await previous;
  }

  /**
   * Commits a stream batch, then queues its acknowledgement behind the previous batch's and waits for that
   * previous one only: this batch's acknowledgement overlaps the next commit.
   */
  private async commitStream(b: StreamBatch) {
    const { inserted } = await commitBatch(this.deps.db, b.sql);
    await this.deps.afterCommit?.({ source: "stream", ids: b.ids, inserted });
    const previous = this.acks;
    this.acks = previous.then(() => acknowledge(this.deps.redis, [...b.ids, ...b.gone], b.dead));
    this.acks.catch(() => {}); // surfaced by the next await of `acks`, not as an unhandled rejection
    await previous;
    this.tally(inserted, b.ids.length + b.gone.length, b.dead.length);
  }

  /**
   * 3. Inbox batches, one at a time, until the inbox is empty (true) or the time budget is spent (false).
   *    Dead letters go to Redis before the rows leave the inbox.
   */
  private async inboxBatches(): Promise<boolean> {
    const { redis, db, settings } = this.deps;
    while (!this.spent()) {
      const rows = await readInbox(db, settings.batchSize);
      if (rows.length === 0) return true;
      const { records, dead } = prepare(rows.map((r) => ({ from: `inbox:${r.id}`, e: r.event })));
      await acknowledge(redis, [], dead);
      const ids = rows.map((r) => r.id);
      const { inserted } = await commitBatch(db, sqlBatch(records, ids));
      await this.deps.afterCommit?.({ source: "inbox", ids, inserted });
      this.tally(inserted, rows.length, dead.length);
      if (rows.length < settings.batchSize) return true;
    }
    return false;
  }

  /** A committed batch, counted in `result`. */
  private tally(inserted: number, processed: number, dead: number) {
    this.result.ms = Date.now() - this.started;
    this.result.ingested += inserted;
    this.result.processed += processed;
    this.result.deadLettered += dead;
    this.result.batches++;
  }

  private spent() {
    return Date.now() - this.started >= this.deps.settings.budgetMs;
  }
}
