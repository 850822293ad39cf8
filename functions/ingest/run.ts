/**
 * THE ingestion routine, run by the cron (every minute) and by POST /api/v1/ingest/flush: drains the click
 * stream (and the Postgres inbox the redirect falls back to when Redis is down) into Postgres.
 *
 * Exactly once, step by step, for each batch:
 *   read (entries become pending) -> parse and enrich (unusable ones set aside as dead letters)
 *   -> ONE transaction: raw insert ON CONFLICT DO NOTHING + rollups of the inserted rows (+ inbox delete)
 *   -> acknowledge (dead letters, XACK, XDEL in one MULTI).
 * Reads, batches and requests are bounded in bytes as well as in count (limits.ts, fresh.ts, batch.ts), and a
 * run by its wall time, its estimated CPU time and its subrequests (budget.ts, cpu.ts): Workers Free gives an
 * invocation 10 ms of CPU and 50 subrequests.
 * A crash before the commit is sent: nothing written, nothing counted; the entries stay pending and are taken
 * over later. A delivery is counted only for a commit really sent (stale.ts): an entry whose commit kills every
 * run ends up alone and a dead letter.
 * A crash after the commit, before the acknowledgement: the entries are delivered again, their insert
 * finds every id present, so nothing is counted twice; then they are acknowledged.
 * Postgres down: the transaction fails, nothing is acknowledged, the run stops and reports the error
 * (entries it had taken over are handed back, their delivery not counted).
 * Postgres refusing a click's data: the batch is split until that click is alone, and it alone becomes a
 * dead letter (isolate.ts).
 */
import type { Redis } from "@upstash/redis/cloudflare";
import { storedClickIds } from "../../db/queries/clicks.ts";
import type { StreamBatch } from "./batch.ts";
import { countConnections, countingRedis, RunBudget } from "./budget.ts";
import { FreshReader } from "./fresh.ts";
import { ingestInbox } from "./inbox.ts";
import { commitIsolating, type Refusal } from "./isolate.ts";
import { ReadSizer } from "./limits.ts";
import { emptyIngestResult, resolveSettings, type Checkpoint, type IngestDeps, type IngestResult, type Settings } from "./settings.ts";
import { drainStale } from "./stale.ts";
import { acknowledge, claim, compareIds, ensureGroup, fetchEntries, type DeadLetter } from "./stream.ts";

export { prepare } from "./batch.ts";
export { emptyIngestResult, ingestSettings } from "./settings.ts";
export type { BatchToCommit, Checkpoint, CommittedBatch, IngestDeps, IngestResult, IngestSettings } from "./settings.ts";

/**
 * Runs until the stream and the inbox are empty or the time budget is spent. `result` is filled as batches
 * commit, so a caller still knows what a run did before an error stopped it.
 */
export async function runIngest(deps: IngestDeps, result = emptyIngestResult()): Promise<IngestResult> {
  const run = new IngestRun(deps, result);
  try {
    const stream = await run.drainStream();
    // The inbox fills while Redis is down, so it is drained even when the stream part failed.
    const inboxEmpty = await run.drainInbox(stream.error);
    if (stream.error) throw stream.error;
    return run.finish(stream.empty && inboxEmpty);
  } finally {
    run.close();
  }
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
  private readonly s: Settings;
  private readonly budget: RunBudget;
  /** deps.redis, each request counted in the budget. */
  private readonly redis: Redis;
  private readonly uncount: () => void;
  private readonly fresh: FreshReader;
  /** The last acknowledgement queued: each waits for the one before it, so they run one at a time, in order. */
  private acks: Promise<void> = Promise.resolve();
  /** The last stream commit started (its acknowledgement is queued once it is done). */
  private committing: Promise<void> = Promise.resolve();

  constructor(private readonly deps: IngestDeps, private readonly result: IngestResult) {
    this.s = resolveSettings(deps.settings);
    this.budget = new RunBudget(this.s);
    this.redis = countingRedis(deps.redis, this.budget);
    this.uncount = countConnections(deps.db, this.budget);
    this.fresh = new FreshReader(this.redis, this.s, this.budget, (p) => this.checkpoint(p));
  }

  close() {
    this.uncount();
  }

  private async checkpoint(point: Checkpoint) {
    await this.deps.checkpoint?.(point);
  }

  /** The stream part: what dead runs left, then the new entries. Its error is returned, for the inbox to go first. */
  async drainStream(): Promise<{ empty: boolean; error: unknown }> {
    let empty = false;
    let error: unknown = null;
    try {
      await ensureGroup(this.redis);
      await drainStale({
        redis: this.redis,
        settings: this.s,
        spent: () => this.spent(),
        readCount: (want, empty) => this.budget.readCount(want, empty),
        parsed: async (items) => {
          this.budget.cpu.parsed(items);
          await this.checkpoint("parsed");
        },
        checkpoint: (p) => this.checkpoint(p),
        commit: (b) => {
          this.budget.chunk();
          return this.commitStream(b);
        },
        settle: async (ids, dead) => {
          await acknowledge(this.redis, ids, dead, this.s.redisBytes);
          this.tally(0, ids.length, dead.length);
        },
        stored: (clickIds) => storedClickIds(this.deps.db, clickIds),
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
      return await ingestInbox({
        redis: this.redis, db: this.deps.db, settings: this.s, budget: this.budget, afterCommit: this.deps.afterCommit,
        tally: (inserted, processed, dead) => this.tally(inserted, processed, dead),
      });
    } catch (e) {
      if (!streamError) throw e;
      console.error("ingest: the inbox failed too:", e);
      return false;
    }
  }

  finish(drained: boolean): IngestResult {
    this.result.drained = drained;
    this.result.ms = Date.now() - this.budget.started;
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
   * previous one only: this batch's acknowledgement overlaps the next commit. A batch of entries taken over
   * counts its delivery here, just before its statement is sent (stale.ts says why), and is handed back when
   * the commit fails: the failure was Postgres's, not its entries'.
   */
  private async commitStream(b: StreamBatch) {
    const { redis } = this;
    const { db } = this.deps;
    await this.checkpoint("built");
    if (b.prior !== undefined) await claim(redis, b.ids, b.prior + 1, 0);
    await this.deps.beforeCommit?.({ ids: b.ids, clicks: [...b.entryOf.keys()] });
    await this.checkpoint("commit");
    let committed;
    try {
      committed = await commitIsolating(db, b.sql);
    } catch (e) {
      if (b.prior !== undefined) await claim(redis, b.ids, b.prior, 0).catch((e2) => console.error("ingest: could not hand entries back:", e2));
      throw e;
    }
    const dead = [...b.dead, ...(await this.streamLetters(committed.refused, b.entryOf))];
    await this.deps.afterCommit?.({ source: "stream", ids: b.ids, inserted: committed.inserted });
    await this.checkpoint("committed");
    const previous = this.acks;
    this.acks = previous.then(async () => {
      await acknowledge(redis, [...b.ids, ...b.gone], dead, this.s.redisBytes);
      await this.checkpoint("acked");
    });
    this.acks.catch(() => {}); // surfaced by the next await of `acks`, not as an unhandled rejection
    await previous;
    this.tally(committed.inserted, b.ids.length + b.gone.length, dead.length);
  }

  /** Dead letters of clicks Postgres refused, with their entries' original values (still in the stream). */
  private async streamLetters(refused: Refusal[], entryOf: Map<string, string>): Promise<DeadLetter[]> {
    if (!refused.length) return [];
    const from = refused.map((r) => entryOf.get(r.record.id)!);
    const sizer = new ReadSizer(this.s.redisBytes, from.length);
    const { entries } = await fetchEntries(this.redis, [...from].sort(compareIds), sizer);
    const e = new Map(entries.map((x) => [x.id, x.e ?? ""]));
    return refused.map((r, i) => ({ from: from[i], e: e.get(from[i]) ?? "", reason: r.reason }));
  }

  /** A committed batch, counted in `result`. */
  private tally(inserted: number, processed: number, dead: number) {
    this.result.ms = Date.now() - this.budget.started;
    this.result.ingested += inserted;
    this.result.processed += processed;
    this.result.deadLettered += dead;
    this.result.batches++;
  }

  private spent() {
    return this.budget.spent();
  }
}
