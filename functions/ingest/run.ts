/**
 * THE ingestion routine, run by the cron (every minute) and by POST /api/v1/ingest/flush: drains the click
 * stream (and the Postgres inbox the redirect falls back to when Redis is down) into Postgres.
 *
 * Exactly once, step by step, for each batch:
 *   read (entries become pending) -> parse and enrich (unusable ones set aside as dead letters)
 *   -> ONE transaction: raw insert ON CONFLICT DO NOTHING + rollups of the inserted rows (+ inbox delete)
 *   -> acknowledge (dead letters, XACK, XDEL in one MULTI).
 * Reads, batches and requests are bounded in bytes as well as in count (limits.ts, fresh.ts, batch.ts).
 * A crash before the commit: nothing written, the entries stay pending and are taken over later, counting
 * one more delivery; an entry whose batch kills every run ends up alone and a dead letter (stale.ts).
 * A crash after the commit, before the acknowledgement: the entries are delivered again, their insert
 * finds every id present, so nothing is counted twice; then they are acknowledged.
 * Postgres down: the transaction fails, nothing is acknowledged, the run stops and reports the error
 * (entries it had taken over are handed back, their delivery not counted).
 * Postgres refusing a click's data: the batch is split until that click is alone, and it alone becomes a
 * dead letter (isolate.ts).
 */
import { deleteInboxRows, readInbox } from "../../db/queries/click-inbox.ts";
import { prepare, type StreamBatch } from "./batch.ts";
import { sqlBatch } from "./commit.ts";
import { FreshReader } from "./fresh.ts";
import { commitIsolating, type Refusal } from "./isolate.ts";
import { ReadSizer } from "./limits.ts";
import { emptyIngestResult, resolveSettings, type IngestDeps, type IngestResult, type Settings } from "./settings.ts";
import { drainStale } from "./stale.ts";
import { acknowledge, claim, compareIds, ensureGroup, fetchEntries, type DeadLetter } from "./stream.ts";

export { prepare } from "./batch.ts";
export { emptyIngestResult, ingestSettings } from "./settings.ts";
export type { BatchToCommit, CommittedBatch, IngestDeps, IngestResult, IngestSettings } from "./settings.ts";

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

/**
 * One run's steps and the promises it keeps in flight.
 *
 * Stream batches are pipelined: two commits run side by side (commit.ts says why that is safe), the
 * next batch is read and enriched meanwhile, and acknowledgements overlap later commits. Each batch
 * is still acknowledged only after its own commit; a batch left behind by an error is simply pending, and
 * taken over again later (a committed one then inserts and counts nothing).
 */
class IngestRun {
  private readonly started = Date.now();
  private readonly s: Settings;
  private readonly fresh: FreshReader;
  /** The last acknowledgement queued: each waits for the one before it, so they run one at a time, in order. */
  private acks: Promise<void> = Promise.resolve();
  /** The last stream commit started (its acknowledgement is queued once it is done). */
  private committing: Promise<void> = Promise.resolve();

  constructor(private readonly deps: IngestDeps, private readonly result: IngestResult) {
    this.s = resolveSettings(deps.settings);
    this.fresh = new FreshReader(deps.redis, this.s);
  }

  /** The stream part: what dead runs left, then the new entries. Its error is returned, for the inbox to go first. */
  async drainStream(): Promise<{ empty: boolean; error: unknown }> {
    let empty = false;
    let error: unknown = null;
    try {
      await ensureGroup(this.deps.redis);
      await drainStale({
        redis: this.deps.redis,
        settings: this.s,
        spent: () => this.spent(),
        commit: (b) => this.commitStream(b),
        settle: async (ids, dead) => {
          await acknowledge(this.deps.redis, ids, dead, this.s.redisBytes);
          this.tally(0, ids.length, dead.length);
        },
      });
      empty = (await this.drainNew()) && !this.fresh.refusedOnce;
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

  /**
   * New entries, one batch read ahead and two commits in flight, so Postgres always has the next
   * statement (a second core works on it where the two touch different rows). True once the stream is empty.
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
    const p = this.fresh.next();
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
   * previous one only: this batch's acknowledgement overlaps the next commit. A stale batch whose commit
   * fails is handed back (stale.ts): the failure was Postgres's, not its entries'.
   */
  private async commitStream(b: StreamBatch) {
    const { redis, db } = this.deps;
    await this.deps.beforeCommit?.({ ids: b.ids, clicks: [...b.entryOf.keys()] });
    let committed;
    try {
      committed = await commitIsolating(db, b.sql);
    } catch (e) {
      if (b.prior !== undefined) await claim(redis, b.ids, b.prior, 0).catch((e2) => console.error("ingest: could not hand entries back:", e2));
      throw e;
    }
    const dead = [...b.dead, ...(await this.streamLetters(committed.refused, b.entryOf))];
    await this.deps.afterCommit?.({ source: "stream", ids: b.ids, inserted: committed.inserted });
    const previous = this.acks;
    this.acks = previous.then(() => acknowledge(redis, [...b.ids, ...b.gone], dead, this.s.redisBytes));
    this.acks.catch(() => {}); // surfaced by the next await of `acks`, not as an unhandled rejection
    await previous;
    this.tally(committed.inserted, b.ids.length + b.gone.length, dead.length);
  }

  /** Dead letters of clicks Postgres refused, with their entries' original values (still in the stream). */
  private async streamLetters(refused: Refusal[], entryOf: Map<string, string>): Promise<DeadLetter[]> {
    if (!refused.length) return [];
    const from = refused.map((r) => entryOf.get(r.record.id)!);
    const sizer = new ReadSizer(this.s.redisBytes, from.length);
    const { entries } = await fetchEntries(this.deps.redis, [...from].sort(compareIds), sizer);
    const e = new Map(entries.map((x) => [x.id, x.e ?? ""]));
    return refused.map((r, i) => ({ from: from[i], e: e.get(from[i]) ?? "", reason: r.reason }));
  }

  /**
   * Inbox batches, one at a time, until the inbox is empty (true) or the time budget is spent (false),
   * bounded in bytes like stream batches. Dead letters go to Redis before the rows leave the inbox.
   */
  private async inboxBatches(): Promise<boolean> {
    const { redis, db } = this.deps;
    const { batchSize, commitBytes, redisBytes } = this.s;
    while (!this.spent()) {
      const rows = await readInbox(db, batchSize, commitBytes);
      if (rows.length === 0) return true;
      const { records, dead } = prepare(rows.map((r) => ({ from: `inbox:${r.id}`, e: r.event })));
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
      await this.deps.afterCommit?.({ source: "inbox", ids, inserted });
      this.tally(inserted, rows.length, dead.length + refused.length);
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
    return Date.now() - this.started >= this.s.budgetMs;
  }
}
