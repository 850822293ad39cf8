/**
 * Batches of stream entries, bounded by count and by the bytes of their parsed clicks: entries are parsed
 * as they are read, and a batch takes them until INGEST_BATCH_SIZE or INGEST_COMMIT_BYTES is reached (the
 * rest waits for the next batch, already parsed). The commit of a batch is one statement either way.
 */
import type { ClickRecord } from "./enrich.ts";
import { parseStreamEntry } from "./parse-click.ts";
import { sqlBatch, type SqlBatch } from "./commit.ts";
import { recordBytes } from "./limits.ts";
import type { DeadLetter, StreamEntry } from "./stream.ts";

/** A batch parsed and enriched: the clicks to commit, and the entries set aside as dead letters. */
export interface PreparedBatch {
  records: ClickRecord[];
  dead: DeadLetter[];
}

/**
 * One queued value parsed: the clicks it holds (one, or a capture batch's) and the dead letters it yields.
 * It stays whole: an entry is acknowledged only once every click of it is committed.
 */
export interface ParsedItem {
  from: string;
  records: ClickRecord[];
  dead: DeadLetter[];
  /** Clicks and dead letters, for the batch's count bound. */
  count: number;
  bytes: number;
}

export function parseItem(from: string, e: unknown, now: number): ParsedItem {
  const records: ClickRecord[] = [];
  const dead: DeadLetter[] = [];
  let bytes = 0;
  for (const { parsed, text } of parseStreamEntry(e, now)) {
    if (parsed.ok) {
      records.push(parsed.record);
      bytes += recordBytes(parsed.record);
    } else {
      dead.push({ from, e: text, reason: parsed.reason });
      bytes += text.length;
    }
  }
  return { from, records, dead, count: records.length + dead.length, bytes };
}

/** Parses and enriches a batch; a click id seen twice in it (stream and inbox, a retried XADD) goes once. */
export function prepare(items: { from: string; e: unknown }[], now = Date.now()): PreparedBatch {
  const records: ClickRecord[] = [];
  const dead: DeadLetter[] = [];
  const seen = new Set<string>();
  for (const item of items) {
    const p = parseItem(item.from, item.e, now);
    dead.push(...p.dead);
    for (const record of p.records) {
      if (seen.has(record.id)) continue;
      seen.add(record.id);
      records.push(record);
    }
  }
  return { records, dead };
}

export interface StreamBatch {
  sql: SqlBatch;
  dead: DeadLetter[];
  /** Every entry id of the batch (dead letters and duplicates too): acknowledged with it. */
  ids: string[];
  /** The entry each click came from (the first, for a click XADDed twice), by click id. */
  entryOf: Map<string, string>;
  /** Pending ids whose entry is gone: acknowledged with the batch. */
  gone: string[];
  /** For a batch of stale entries: how many times they had been delivered before this run took them. */
  prior?: number;
}

export const parseEntries = (entries: readonly StreamEntry[], now = Date.now()): ParsedItem[] =>
  entries.map((x) => parseItem(x.id, x.e, now));

/** Collects parsed entries up to a count and a byte bound (one item always fits), then builds the batch. */
export class Batcher {
  private readonly items: ParsedItem[] = [];
  private clicks = 0;
  private bytes = 0;
  private closed = false;

  constructor(private readonly maxCount: number, private readonly maxBytes: number) {}

  get count(): number {
    return this.items.length;
  }

  /** Takes what fits of `items`, in order; returns the rest (the batch is then full). */
  add(items: ParsedItem[]): ParsedItem[] {
    let i = 0;
    for (; i < items.length && !this.closed; i++) {
      const it = items[i];
      if (this.items.length && (this.clicks + it.count > this.maxCount || this.bytes + it.bytes > this.maxBytes)) {
        this.closed = true;
        break;
      }
      this.items.push(it);
      this.clicks += it.count;
      this.bytes += it.bytes;
    }
    if (this.clicks >= this.maxCount || this.bytes >= this.maxBytes) this.closed = true;
    return i === 0 ? items : items.slice(i);
  }

  full(): boolean {
    return this.closed;
  }

  build(gone: string[] = [], prior?: number): StreamBatch {
    const records: ClickRecord[] = [];
    const dead: DeadLetter[] = [];
    const entryOf = new Map<string, string>();
    for (const it of this.items) {
      dead.push(...it.dead);
      for (const record of it.records) {
        if (entryOf.has(record.id)) continue;
        entryOf.set(record.id, it.from);
        records.push(record);
      }
    }
    return { sql: sqlBatch(records), dead, ids: this.items.map((x) => x.from), entryOf, gone, prior };
  }
}
