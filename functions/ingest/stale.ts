/**
 * Entries a run left pending (it died, or failed and handed them back), taken over by a later run once idle
 * for INGEST_CLAIM_IDLE_MS. Every step is bounded in bytes: XPENDING lists ids and delivery counts only,
 * XRANGE reads the entries (no side effect, so a reply refused as too large is simply asked again, smaller),
 * and XCLAIM JUSTID takes them over, setting their delivery count.
 *
 * Delivery counts: an entry counts one delivery per run that took it and neither committed it nor handed
 * it back. A batch that kills its run (out of memory or CPU time, say) thus counts up every time; retried,
 * its entries go in smaller and smaller batches (staleBatchCap), and one taken INGEST_MAX_DELIVERIES times
 * is set aside as a dead letter instead of being tried again. A commit that fails on Postgres hands its
 * entries back (their counts go back to what they were), so an outage never makes dead letters; a commit
 * Postgres refuses for a click's data is split until that click is alone (isolate.ts).
 */
import type { Redis } from "@upstash/redis/cloudflare";
import { Batcher, parseEntries, type ParsedItem, type StreamBatch } from "./batch.ts";
import { ReadSizer, staleBatchCap } from "./limits.ts";
import { claim, fetchEntries, pendingIdle, type DeadLetter, type Pending } from "./stream.ts";

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
  /** Commits a batch and acknowledges it (the run's own commit path). */
  commit(batch: StreamBatch): Promise<void>;
  /** Acknowledges entries that need no commit, with their dead letters. */
  settle(ids: string[], dead: DeadLetter[]): Promise<void>;
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
 * letters at once (no reply can carry them, so no run ever could ingest them).
 */
async function take(run: StaleRun, sizer: ReadSizer, ids: string[], deliveries: number) {
  const got = await fetchEntries(run.redis, ids, sizer);
  const taken = new Set(await claim(run.redis, [...got.entries.map((x) => x.id), ...got.unreadable], deliveries + 1, run.settings.claimIdleMs));
  const unreadable = got.unreadable.filter((id) => taken.has(id));
  if (unreadable.length || got.gone.length) {
    const reason = tooLargeReason(run.settings.redisBytes);
    await run.settle([...unreadable, ...got.gone], unreadable.map((from) => ({ from, e: "", reason })));
  }
  return got.entries.filter((x) => taken.has(x.id));
}

/** Entries delivered `deliveries` times already, and never committed: dead letters now. */
async function setAside(run: StaleRun, sizer: ReadSizer, ids: string[], deliveries: number) {
  for (let i = 0; i < ids.length; ) {
    const chunk = ids.slice(i, i + sizer.next());
    i += chunk.length;
    const entries = await take(run, sizer, chunk, deliveries);
    const reason = `delivered ${deliveries} times without being committed`;
    await run.settle(entries.map((x) => x.id), entries.map((x) => ({ from: x.id, e: x.e ?? "", reason })));
  }
}

/** Commits `ids` again, in batches bounded by bytes as new entries are, taking them over as it reads them. */
async function retry(run: StaleRun, sizer: ReadSizer, ids: string[], deliveries: number) {
  const s = run.settings;
  let batch = new Batcher(ids.length, s.commitBytes);
  let carry: ParsedItem[] = [];
  for (let i = 0; i < ids.length; ) {
    const chunk = ids.slice(i, i + sizer.next());
    i += chunk.length;
    carry = batch.add(parseEntries(await take(run, sizer, chunk, deliveries)));
    while (batch.full()) {
      await run.commit(batch.build([], deliveries));
      batch = new Batcher(ids.length, s.commitBytes);
      carry = batch.add(carry);
    }
  }
  if (batch.count) await run.commit(batch.build([], deliveries));
}
