/**
 * Entries a run left pending (it died, or failed and handed them back), taken over by a later run once idle
 * for INGEST_CLAIM_IDLE_MS. Every step is bounded in bytes: XPENDING lists ids and delivery counts only,
 * XRANGE reads the entries (no side effect, so a reply refused as too large is simply asked again, smaller),
 * and XCLAIM JUSTID takes them over, leaving their delivery count as it was.
 *
 * Delivery counts: an entry's count (Redis's, in the pending list) is the number of runs that SENT its
 * commit and neither finished nor handed it back, the read that first delivered it standing for the first.
 * A run takes entries over without counting; it counts a delivery just before it sends their statement
 * (run.ts, commitStream). So a run killed before that (its CPU time spent, say, on Workers Free) costs its
 * entries nothing, wherever it was killed; a batch whose commit kills its run (out of memory, say) counts up
 * every time; retried, its entries go in smaller and smaller batches (staleBatchCap), and one delivered
 * INGEST_MAX_DELIVERIES times is set aside as a dead letter instead of being tried again, unless its clicks
 * are all stored (the runs died after their commit, before the acknowledgement): then it is acknowledged.
 * A commit that fails on Postgres hands its entries back (their counts go back to what they were), so an
 * outage never makes dead letters; a commit Postgres refuses for a click's data is split until that click is
 * alone (isolate.ts).
 */
import type { Redis } from "@upstash/redis/cloudflare";
import { Batcher, parseEntries, parseItem, type ParsedItem, type StreamBatch } from "./batch.ts";
import { ReadSizer, staleBatchCap } from "./limits.ts";
import type { Checkpoint } from "./settings.ts";
import { claim, fetchEntries, pendingIdle, type DeadLetter, type Pending, type StreamEntry } from "./stream.ts";

export interface StaleSettings {
  batchSize: number;
  claimIdleMs: number;
  redisBytes: number;
  commitBytes: number;
  maxDeliveries: number;
}

/** What the stale part needs of its run. */
export interface StaleRun {
  redis: Redis;
  settings: StaleSettings;
  spent(): boolean;
  /** Entries the next read of a batch may take, at most `want` (budget.ts); 0 closes the batch. */
  readCount(want: number, empty: boolean): number;
  /** Entries just read and parsed (their CPU time is counted). */
  parsed(items: ParsedItem[]): Promise<void>;
  checkpoint(point: Checkpoint): Promise<void>;
  /** Commits a batch and acknowledges it (the run's own commit path, which counts the delivery). */
  commit(batch: StreamBatch): Promise<void>;
  /** Acknowledges entries that need no commit, with their dead letters. */
  settle(ids: string[], dead: DeadLetter[]): Promise<void>;
  /** Which of these click ids are stored in Postgres. */
  stored(clickIds: string[]): Promise<Set<string>>;
}

export const tooLargeReason = (bytes: number) =>
  `too large to read: it alone makes a Redis reply over the max request size (INGEST_REDIS_BYTES is ${bytes})`;

/** Scans the pending entries once, oldest first, until done or the time budget is spent. */
export async function drainStale(run: StaleRun): Promise<void> {
  const s = run.settings;
  const sizer = new ReadSizer(s.redisBytes, s.batchSize);
  // An XPENDING reply holds under 80 bytes an entry (id, consumer, idle time, count).
  const scan = Math.max(1, Math.min(s.batchSize, Math.floor(s.redisBytes / 80)));
  let start = "-";
  while (!run.spent()) {
    const pending = await pendingIdle(run.redis, start, scan, s.claimIdleMs);
    if (!pending.length) return;
    start = `(${pending[pending.length - 1].id}`;
    for (const [deliveries, ids] of byDeliveries(pending)) {
      if (deliveries >= s.maxDeliveries) {
        await setAside(run, sizer, ids, deliveries);
        continue;
      }
      const cap = staleBatchCap(deliveries, s.batchSize, s.maxDeliveries);
      for (let i = 0; i < ids.length && !run.spent(); i += cap) await retry(run, sizer, ids.slice(i, i + cap), deliveries);
    }
    if (pending.length < scan) return;
  }
}

/** Ids by how many times they were delivered, each list still oldest first. */
function byDeliveries(pending: Pending[]): [number, string[]][] {
  const groups = new Map<number, string[]>();
  for (const p of pending) {
    const g = groups.get(p.deliveries);
    if (g) g.push(p.id);
    else groups.set(p.deliveries, [p.id]);
  }
  return [...groups].sort((a, b) => a[0] - b[0]);
}

/**
 * Reads and takes over the next entries of `ids`, at most one reply's worth; `unreadable` ones become dead
 * letters at once (no reply can carry them, so no run ever could ingest them). Taking over counts nothing.
 */
async function take(run: StaleRun, sizer: ReadSizer, ids: string[], deliveries: number) {
  const got = await fetchEntries(run.redis, ids, sizer);
  const taken = new Set(await claim(run.redis, [...got.entries.map((x) => x.id), ...got.unreadable], deliveries, run.settings.claimIdleMs));
  const unreadable = got.unreadable.filter((id) => taken.has(id));
  if (unreadable.length || got.gone.length) {
    const reason = tooLargeReason(run.settings.redisBytes);
    await run.settle([...unreadable, ...got.gone], unreadable.map((from) => ({ from, e: "", reason })));
  }
  return got.entries.filter((x) => taken.has(x.id));
}

/**
 * Entries whose commit was sent `deliveries` times already and never finished: dead letters now, unless all
 * their clicks are stored (every one of those runs died after its commit): those are acknowledged.
 */
async function setAside(run: StaleRun, sizer: ReadSizer, ids: string[], deliveries: number) {
  for (let i = 0; i < ids.length && !run.spent(); ) {
    const chunk = ids.slice(i, i + sizer.next());
    i += chunk.length;
    const entries = await take(run, sizer, chunk, deliveries);
    const done = await committed(run, entries);
    const reason = `delivered ${deliveries} times without being committed`;
    const dead = entries.filter((x) => !done.has(x.id)).map((x) => ({ from: x.id, e: x.e ?? "", reason }));
    await run.settle(entries.map((x) => x.id), dead);
  }
}

/** Ids of the entries whose clicks are all stored (one without a usable click is not). */
async function committed(run: StaleRun, entries: StreamEntry[]): Promise<Set<string>> {
  const now = Date.now();
  const clicks = new Map(entries.map((x) => [x.id, parseItem(x.id, x.e, now).records.map((r) => r.id)]));
  const stored = await run.stored([...clicks.values()].flat());
  return new Set([...clicks].filter(([, ids]) => ids.length > 0 && ids.every((id) => stored.has(id))).map(([id]) => id));
}

/**
 * Commits `ids` again, in batches bounded by bytes as new entries are and by the run's budget, taking them over
 * as it reads them. Entries the budget leaves unread stay pending, untouched, for a later run.
 */
async function retry(run: StaleRun, sizer: ReadSizer, ids: string[], deliveries: number) {
  const s = run.settings;
  let batch = new Batcher(ids.length, s.commitBytes);
  let carry: ParsedItem[] = [];
  await run.checkpoint("chunk");
  for (let i = 0; i < ids.length; ) {
    if (batch.count === 0 && run.spent()) break;
    const want = run.readCount(sizer.next(), batch.count === 0);
    if (want === 0) break;
    const chunk = ids.slice(i, i + want);
    i += chunk.length;
    const entries = await take(run, sizer, chunk, deliveries);
    await run.checkpoint("read");
    const items = parseEntries(entries);
    await run.parsed(items);
    carry = batch.add(items);
    while (batch.full()) {
      await run.commit(batch.build([], deliveries));
      batch = new Batcher(ids.length, s.commitBytes);
      carry = batch.add(carry);
      await run.checkpoint("chunk");
    }
  }
  if (batch.count) await run.commit(batch.build([], deliveries));
}
