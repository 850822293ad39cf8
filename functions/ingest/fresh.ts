/**
 * New entries (XREADGROUP ">"), read in replies sized by ReadSizer (limits.ts) and by the run's budget
 * (budget.ts: what is left of its estimated CPU time and of its subrequests), and gathered into batches
 * bounded by count and bytes. What a read brings beyond the batch (already parsed) starts the next one.
 */
import type { Redis } from "@upstash/redis/cloudflare";
import { Batcher, parseEntries, type ParsedItem, type StreamBatch } from "./batch.ts";
import type { RunBudget } from "./budget.ts";
import { ReadSizer, tooLarge } from "./limits.ts";
import type { Checkpoint } from "./settings.ts";
import { readNew, type StreamEntry } from "./stream.ts";

export class FreshReader {
  private carry: ParsedItem[] = [];
  private readonly sizer: ReadSizer;
  /** A read was refused: entries it delivered unseen wait for a later run, so the stream is not drained. */
  refusedOnce = false;

  constructor(
    private readonly redis: Redis,
    private readonly s: { batchSize: number; redisBytes: number; commitBytes: number },
    private readonly budget: RunBudget,
    private readonly checkpoint: (point: Checkpoint) => Promise<void>,
  ) {
    this.sizer = new ReadSizer(s.redisBytes, s.batchSize);
  }

  /** The next batch; one without ids means the stream holds nothing new. */
  async next(): Promise<StreamBatch> {
    await this.checkpoint("chunk");
    const batch = new Batcher(this.s.batchSize, this.s.commitBytes);
    this.carry = batch.add(this.carry);
    while (!batch.full()) {
      const want = this.budget.readCount(Math.min(this.sizer.next(), this.s.batchSize - batch.count), batch.count === 0);
      if (want === 0) break; // the budget closes the chunk with what it has
      const entries = await this.read(want);
      await this.checkpoint("read");
      const items = parseEntries(entries);
      this.budget.cpu.parsed(items);
      await this.checkpoint("parsed");
      this.carry = batch.add(items);
      if (entries.length < want) break; // nothing more for now
    }
    const built = batch.build();
    if (built.ids.length) this.budget.chunk();
    return built;
  }

  /**
   * One read, asked again with half the count while Upstash refuses the reply as too large. The entries of
   * a refused read may have been delivered unseen: they stay pending, and a later run takes them over
   * (stale.ts), reading them in replies that fit.
   */
  private async read(count: number): Promise<StreamEntry[]> {
    for (;;) {
      try {
        const entries = await readNew(this.redis, count);
        this.sizer.fitted(entries);
        return entries;
      } catch (e) {
        if (!tooLarge(e) || count === 1) throw e; // one entry alone too large: a later run sets it aside
        this.refusedOnce = true;
        console.warn(`ingest: a read of ${count} entries went over the max request size; reading fewer`);
        this.sizer.refused();
        count = Math.min(count - 1, this.sizer.next());
      }
    }
  }
}
