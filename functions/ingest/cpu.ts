/**
 * The ingest's CPU budget (INGEST_CPU_BUDGET_MS). Deployed, a Worker cannot time its own CPU work (its clocks
 * only advance at I/O, a Spectre mitigation), and waiting on Redis or Postgres is no CPU time at all, so a run
 * estimates what its JavaScript costs from a model measured in workerd (`npx tsx bench/cpu.ts`; docs/ingest.md,
 * "Workers Free", has the figures): per click, per byte of its parsed record, per chunk (the statement built and
 * rendered, its requests), per run, and once per isolate for compiling the code. The model is rounded up from
 * what was measured, so a run's real CPU stays under its estimate.
 *
 * A run reads entries in reads sized so that what they bring fits what is left (from the costliest entry of the
 * read before, the first from the largest entry the capture writes), charges every entry it parses, and starts
 * no chunk once the rest of the budget cannot pay for one.
 */

export interface CpuModel {
  /** Per click parsed, validated, enriched, aggregated and put in the statement (µs). */
  clickUs: number;
  /** Per byte of its parsed record (recordBytes in limits.ts), for the same work (µs). */
  byteUs: number;
  /** Per chunk: the statement's fixed part built and rendered, its Redis requests and the commit (ms). */
  chunkMs: number;
  /** Per run: clients, the consumer group, the pending scan, the inbox read, the run's record (ms). */
  runMs: number;
  /** Once per isolate: the first run compiles the ingest's code and the user-agent parser's patterns (ms). */
  coldMs: number;
}

/**
 * Warm medians in workerd on the 2-core machine of BENCHMARKS.md (`npx tsx bench/cpu.ts chunk`): 49 to 60 µs a
 * typical click (record of about 345 bytes) and 155 to 178 µs one of the largest the capture writes (4,878
 * bytes) in chunks of 25 to 100, so about 50 µs a click plus 22 to 26 ns a byte; 0.27 to 0.40 ms for a
 * one-click chunk; 0.02 ms a Redis request. Rounded up to 60 µs and 30 ns. A fresh isolate's first chunk took 15
 * to 22 ms for one click, 40 ms and more for fifty: coldMs is charged once per isolate (see docs/ingest.md).
 */
export const MEASURED_CPU: CpuModel = { clickUs: 60, byteUs: 0.03, chunkMs: 0.5, runMs: 1, coldMs: 20 };

/** Estimated ms of the work on parsed clicks: `count` clicks (and dead letters) of `bytes` record bytes. */
export const itemsMs = (m: CpuModel, count: number, bytes: number) => (count * m.clickUs + bytes * m.byteUs) / 1000;

/**
 * Clicks of `recordBytes` each that one chunk may hold under `budgetMs` (the run's own cost taken first): the
 * chunk size a budget gives. At least 1: a run always makes progress.
 */
export function clicksPerChunk(m: CpuModel, budgetMs: number, recordBytes: number): number {
  const perClick = itemsMs(m, 1, recordBytes);
  return Math.max(1, Math.floor((budgetMs - m.runMs - m.chunkMs) / perClick));
}

/** Isolates that have run the ingest already: their code is compiled (the model's coldMs is paid). */
let warm = false;
export const markWarm = () => { warm = true; };
export const isWarm = () => warm;

/** One run's estimate: what was spent, and what is left for the next read and chunk. */
export class CpuMeter {
  private spentMs: number;
  /** Estimated cost of the costliest entry of the last read (the next read is sized from it). */
  private largestEntryMs: number;

  /**
   * `largestEntryMs`: what the largest entry the capture can write is estimated to cost (the first read is
   * sized from it, so even a read of such entries fits); `cold`: the isolate has not run the ingest yet.
   */
  constructor(readonly model: CpuModel, readonly budgetMs: number, largestEntryMs: number, cold: boolean) {
    this.spentMs = model.runMs + (cold ? model.coldMs : 0);
    this.largestEntryMs = largestEntryMs;
  }

  get spent(): number {
    return this.spentMs;
  }

  /** What the budget still has for parsed clicks once a chunk's fixed cost is paid (may be negative). */
  forItems(): number {
    return this.budgetMs - this.spentMs - this.model.chunkMs;
  }

  /** True when no further chunk can be paid for: not even one entry like the costliest of the last read. */
  exhausted(): boolean {
    return this.forItems() < this.largestEntryMs;
  }

  /** Entries the next read may ask for, at most `want`: as many as fit if all cost the costliest seen (at least 1). */
  readCount(want: number): number {
    return Math.max(1, Math.min(want, Math.floor(this.forItems() / this.largestEntryMs)));
  }

  /** Entries just parsed: their cost is spent, and the next read is sized from the costliest of them. */
  parsed(items: readonly { count: number; bytes: number }[]): void {
    let largest = 0;
    for (const it of items) {
      const ms = itemsMs(this.model, it.count, it.bytes);
      this.spentMs += ms;
      if (ms > largest) largest = ms;
    }
    if (items.length) this.largestEntryMs = largest;
  }

  /** A chunk built (its statement made, its requests to come): its fixed cost is spent. */
  chunk(): void {
    this.spentMs += this.model.chunkMs;
  }
}
