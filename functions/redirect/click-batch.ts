/**
 * Group commit of clicks: the clicks of concurrent requests of an isolate gather in a module-level batch that
 * ONE of those requests sends, as one Upstash request, from its own waitUntil. One HTTP round trip per click
 * was what capped the redirect (bench/redirect.ts, the floor rows); per batch it is amortized over the clicks.
 *
 * Why this is safe on Workers:
 * - Only plain data (the event and a flag) enters the batch. No I/O object, promise or callback of one request
 *   is kept for another: the request that sends a batch does so with its OWN Redis call and, on failure, its
 *   OWN Postgres accessor (the `send` it passes in), inside its own waitUntil, which the runtime keeps alive
 *   until the send settles. The other requests return at once; their clicks are just data in that batch.
 * - Who sends: the request that opened the batch, after CAPTURE_LINGER_MS; or, when a click would take the batch
 *   past CAPTURE_MAX_CLICKS / CAPTURE_MAX_BYTES, the request adding the click that fills it, at once. So a batch
 *   never holds more than the limits, and each batch is taken (sent) exactly once.
 * - The window in which a click exists only in memory grows by the linger (milliseconds); once its batch is
 *   stored (stream, or the Postgres inbox when the XADD fails) it is as safe as a per-click write.
 *
 * Back pressure: when the linger ends while an earlier batch of this isolate is still in flight, the batch
 * keeps gathering (up to the limits) until that send settles, instead of opening one more connection per
 * linger window: the usual case is one send in flight, and a burst adds at most one concurrent send per
 * full batch (CAPTURE_MAX_CLICKS clicks), never one per click. The wait polls with the opener's own timer
 * (never by awaiting another request's promise) and is bounded by `maxWaitMs` (the Redis timeout: no send
 * lasts longer without failing), so a stuck send cannot hold later clicks for long.
 */
import { utf8Bytes } from "../shared/bytes.ts";
import { BATCH_OVERHEAD, type ClickEvent } from "../shared/click-event.ts";

/** A click waiting in a batch: plain data only. */
export interface PendingClick {
  event: ClickEvent;
  /** The event's JSON, made once (its size is what the byte limit counts; the entry is built from it). */
  json: string;
}

export interface BatchSettings {
  lingerMs: number;
  maxClicks: number;
  maxBytes: number;
  /** The longest a due batch waits for an earlier send still in flight. */
  maxWaitMs: number;
}

/** Sends one batch with the caller's own clients. */
export type SendBatch = (clicks: PendingClick[]) => Promise<void>;

interface Batch {
  clicks: PendingClick[];
  bytes: number;
  taken: boolean;
}

const POLL_MS = 1;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class ClickBatcher {
  private open: Batch | null = null;
  /** Sends in flight: a number, not their promises (those belong to the requests that made them). */
  private inFlight = 0;

  constructor(private readonly settings: BatchSettings) {}

  /**
   * Adds a click. Resolves when this request's share of the work is done: at once for a click that joined
   * another request's batch; after the linger and the send for the request that opened one; after the send
   * for the request whose click filled one.
   */
  async add(click: PendingClick, send: SendBatch): Promise<void> {
    const { maxClicks, maxBytes } = this.settings;
    const size = utf8Bytes(click.json) + 1;
    const due: Batch[] = [];
    let batch = this.open;
    // This click would take the open batch past a limit: that batch goes now, without it.
    if (batch && (batch.clicks.length + 1 > maxClicks || batch.bytes + size > maxBytes)) {
      due.push(this.take(batch));
      batch = null;
    }
    const opened = !batch;
    if (!batch) batch = this.open = { clicks: [], bytes: BATCH_OVERHEAD, taken: false };
    batch.clicks.push(click);
    batch.bytes += size;
    if (batch.clicks.length >= maxClicks || batch.bytes >= maxBytes) due.push(this.take(batch));
    const work = due.map((b) => this.send(b, send));
    if (opened && !batch.taken) work.push(this.lingerThenSend(batch, send));
    await Promise.all(work);
  }

  /** Clicks gathered and not yet taken (tests, diagnostics). */
  get waiting(): number {
    return this.open?.clicks.length ?? 0;
  }

  private async lingerThenSend(batch: Batch, send: SendBatch) {
    await sleep(this.settings.lingerMs);
    const deadline = Date.now() + this.settings.maxWaitMs;
    while (!batch.taken && this.inFlight > 0 && Date.now() < deadline) await sleep(POLL_MS);
    if (!batch.taken) await this.send(this.take(batch), send);
  }

  private take(batch: Batch): Batch {
    batch.taken = true;
    if (this.open === batch) this.open = null;
    return batch;
  }

  private async send(batch: Batch, send: SendBatch) {
    this.inFlight++;
    try {
      await send(batch.clicks);
    } finally {
      this.inFlight--;
    }
  }
}

/** One batcher per Redis client (hence per configuration): a batch is sent with one client's settings. */
const batchers = new WeakMap<object, ClickBatcher>();

export function batcherFor(client: object, settings: BatchSettings): ClickBatcher {
  let b = batchers.get(client);
  if (!b) batchers.set(client, (b = new ClickBatcher(settings)));
  return b;
}
