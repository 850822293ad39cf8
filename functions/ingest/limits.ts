/**
 * Byte bounds of the ingest. Redis bounds XREADGROUP, XCLAIM and XRANGE by COUNT only, and Upstash refuses
 * any request or reply over its max request size (10 MB on the free and pay-as-you-go plans, "ERR max
 * request size exceeded"), so counts are derived from bytes here:
 *
 * - The capture clips what a client controls (functions/redirect/capture.ts), so an entry it writes has a
 *   known largest size in a reply: MAX_ENTRY_REPLY_BYTES. A read of `budget / MAX_ENTRY_REPLY_BYTES`
 *   entries always fits, whatever the stream holds; the first read of a run is that size.
 * - Real clicks are some hundred bytes, so later reads are sized from the largest entry of the read before
 *   (ReadSizer): one read per batch, as before, for ordinary traffic. A burst of larger entries can make a
 *   reply go over; Upstash refuses it (nothing large reaches the Worker), the count is halved and the run
 *   goes on. The entries of a refused XREADGROUP may have been delivered unseen: a later run claims them,
 *   reading them back with side-effect-free XRANGEs (stale.ts), so they are neither lost nor counted twice.
 * - Commits are bounded by the bytes of their parsed records (recordBytes) besides their count.
 */
import { BATCH_OVERHEAD, CAPTURE_MAX_BYTES_LIMIT } from "../shared/click-event.ts";
import { utf8Bytes } from "../shared/bytes.ts";
import type { ClickRecord } from "./enrich.ts";

/** Defaults of INGEST_REDIS_BYTES, INGEST_COMMIT_BYTES and INGEST_MAX_DELIVERIES (functions/shared/env.ts). */
export const DEFAULT_REDIS_BYTES = 8_000_000;
export const DEFAULT_COMMIT_BYTES = 6_000_000;
export const DEFAULT_MAX_DELIVERIES = 5;

/**
 * Clip limits of the capture (MAX_UA, MAX_TEXT in functions/redirect/capture.ts, which keeps them private;
 * test/ingest.security.test.ts checks that the capture clips to these). The rest: the event schema
 * (functions/shared/click-event.ts: id max 64), slug pattern (64), UUID link ids, 64-hex visitor hashes,
 * and the geo names Cloudflare sets (short place names; 256 is generous).
 */
export const CAPTURE_MAX_CHARS = {
  id: 64, linkId: 64, slug: 64, kind: 7, reason: 32, visitor: 64,
  ua: 512, referrer: 2048, country: 256, region: 256, city: 256, query: 2048, dest: 2048, chosenUrl: 2048, chosenBy: 16,
} as const;

/** The largest stream id: 2^53 ms and a 64-bit sequence. */
const MAX_ID = "9007199254740991-18446744073709551615";

/**
 * Bytes one stream entry (field "e" = the event's JSON) takes in an Upstash JSON reply: the id and field
 * name, and the value escaped a second time (the event's JSON inside the reply's JSON).
 */
export function entryReplyBytes(e: string | null, id = MAX_ID): number {
  return utf8Bytes(JSON.stringify([id, ["e", e ?? ""]])) + 1; // + the comma between entries
}

/**
 * The largest reply of a one-click entry the capture can write: every character at its clip limit, and each
 * one the character that grows most: a control character is `\u0001` (6 bytes) in the event's JSON and
 * `\\u0001` (7) in the reply's (a quote or backslash grows to 4, any other character to at most 6 UTF-8
 * or escaped bytes).
 */
export const MAX_EVENT_REPLY_BYTES = (() => {
  const fill = (n: number) => "\u0001".repeat(n);
  const c = CAPTURE_MAX_CHARS;
  const worst = {
    id: fill(c.id), linkId: fill(c.linkId), slug: fill(c.slug), ts: Number.MAX_SAFE_INTEGER, kind: fill(c.kind),
    reason: fill(c.reason), visitor: fill(c.visitor), ua: fill(c.ua), referrer: fill(c.referrer),
    country: fill(c.country), region: fill(c.region), city: fill(c.city), query: fill(c.query), dest: fill(c.dest),
    chosenUrl: fill(c.chosenUrl), chosenBy: fill(c.chosenBy),
  };
  return entryReplyBytes(JSON.stringify(worst));
})();

/**
 * The largest reply of any entry the capture can write: a one-click entry, or a batch of at most
 * CAPTURE_MAX_BYTES (UTF-8 bytes of its JSON, functions/redirect/click-batch.ts), each byte at most 2 in the
 * reply (a quote or backslash escaped once more; other bytes pass as they are).
 */
export const MAX_ENTRY_REPLY_BYTES = Math.max(
  MAX_EVENT_REPLY_BYTES,
  2 * (CAPTURE_MAX_BYTES_LIMIT + BATCH_OVERHEAD) + entryReplyBytes(""),
);

/** Entries one read may ask for so that its reply fits in `budget` bytes whatever they hold. */
export const safeCount = (budget: number) => Math.max(1, Math.floor(budget / MAX_ENTRY_REPLY_BYTES));

/**
 * Sizes reads of new entries: the first one safe (safeCount), each next one from the largest entry of
 * the last (its whole reply would fit if all were that size), halved after a refusal.
 */
export class ReadSizer {
  private count: number;
  constructor(private readonly budget: number, private readonly max: number) {
    this.count = Math.min(max, safeCount(budget));
  }

  next(): number {
    return this.count;
  }

  /** After a read: the next is sized from its largest entry (unchanged when it read nothing). */
  fitted(entries: readonly { e: string | null }[]): void {
    let longest: string | null = null;
    for (const x of entries) if (x.e !== null && x.e.length > (longest?.length ?? -1)) longest = x.e;
    if (longest === null) return;
    this.count = Math.max(1, Math.min(this.max, Math.floor(this.budget / entryReplyBytes(longest))));
  }

  /** A reply was refused as too large: half as many next time. */
  refused(): void {
    this.count = Math.max(1, Math.floor(this.count / 2));
  }
}

/** True for Upstash's refusal of a request or reply over its max request size. */
export const tooLarge = (e: unknown) => /max request size exceeded/i.test(String((e as Error)?.message ?? e));

/**
 * Bytes a parsed click adds to its commit: UTF-8 of its text, and the quotes and comma around each value in
 * the array parameters. The Worker holds a batch a few times over while it commits (records, array
 * literals, the wire message), so this bounds a batch's memory as well as its request to Postgres.
 */
export function recordBytes(r: ClickRecord): number {
  let n = 0;
  for (const k in r) {
    const v = r[k as keyof ClickRecord];
    // Almost every value is ASCII, which the regex rules out faster than counting does.
    if (typeof v === "string") n += (NON_ASCII.test(v) ? utf8Bytes(v) : v.length) + 3;
  }
  return n;
}

const NON_ASCII = /[^\x00-\x7f]/;

/**
 * How many stale entries go in one batch, by how many times they were delivered without being committed.
 * Delivered once (a run that died, any batch can meet that) the batch is whole; each further delivery
 * shrinks it geometrically, down to one entry by the last delivery allowed, so an entry whose batch kills
 * every run ends up alone and only it becomes a dead letter.
 */
export function staleBatchCap(deliveries: number, batchSize: number, maxDeliveries: number): number {
  if (deliveries <= 1) return batchSize;
  const steps = maxDeliveries - 2; // deliveries 2 .. maxDeliveries - 1 shrink it
  if (steps <= 0 || deliveries >= maxDeliveries - 1) return 1;
  return Math.max(1, Math.floor(batchSize ** ((maxDeliveries - 1 - deliveries) / steps)));
}
