/**
 * Batches of stream entries, bounded by count and by the bytes of their parsed clicks: entries are parsed
 * as they are read, and a batch takes them until INGEST_BATCH_SIZE or INGEST_COMMIT_BYTES is reached (the
 * rest waits for the next batch, already parsed). The commit of a batch is one statement either way.
 */
import { parseClick, type ClickRecord } from "./enrich.ts";
import { sqlBatch, type SqlBatch } from "./commit.ts";
import { recordBytes } from "./limits.ts";
import type { DeadLetter, StreamEntry } from "./stream.ts";

/** A batch parsed and enriched: the clicks to commit, and the entries set aside as dead letters. */
export interface PreparedBatch {
  records: ClickRecord[];
  dead: DeadLetter[];
}

/** One queued value parsed: its click, or the dead letter it becomes. */
export type ParsedItem = { from: string; bytes: number } & ({ record: ClickRecord; dead?: never } | { dead: DeadLetter; record?: never });

export function parseItem(from: string, e: unknown, now: number): ParsedItem {
  const p = parseClick(e, now);
  if (p.ok) return { from, record: p.record, bytes: recordBytes(p.record) };
  const raw = typeof e === "string" ? e : e == null ? "" : JSON.stringify(e);
  return { from, dead: { from, e: raw, reason: p.reason }, bytes: raw.length };
}

/** Parses and enriches a batch; a click id seen twice in it (stream and inbox, a retried XADD) goes once. */
export function prepare(items: { from: string; e: unknown }[], now = Date.now()): PreparedBatch {
  const records: ClickRecord[] = [];
  const dead: DeadLetter[] = [];
  const seen = new Set<string>();
  for (const item of items) {
    const p = parseItem(item.from, item.e, now);
    if (p.dead) dead.push(p.dead);
    else if (!seen.has(p.record.id)) {
      seen.add(p.record.id);
      records.push(p.record);
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
      if (this.items.length >= this.maxCount || (this.items.length && this.bytes + it.bytes > this.maxBytes)) {
        this.closed = true;
        break;
      }
      this.items.push(it);
      this.bytes += it.bytes;
    }
    if (this.items.length >= this.maxCount || this.bytes >= this.maxBytes) this.closed = true;
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
      if (it.dead) dead.push(it.dead);
      else if (!entryOf.has(it.record.id)) {
        entryOf.set(it.record.id, it.from);
        records.push(it.record);
      }
    }
    return { sql: sqlBatch(records), dead, ids: this.items.map((x) => x.from), entryOf, gone, prior };
  }
}
