/**
 * The live figures: clicks served but not yet ingested, read from the click stream itself. The ingest deletes
 * each entry once its clicks are committed, so what the stream holds is what waits; counting its clicks per
 * link gives the pending part, added to the ingested totals. The redirect therefore spends one Upstash command
 * per click (the XADD) and keeps no counters (docs/analytics.md, "Live figures").
 *
 * Bounded: at most PENDING_ENTRIES entries are read (an entry is one click at a trickle, a capture batch under
 * load), so a long backlog gives a lower bound, flagged `complete: false`. An entry committed but not yet
 * deleted is counted in both places for the moment between the commit and its acknowledgement.
 */
import type { Redis } from "@upstash/redis/cloudflare";
import { entryClicks } from "../shared/click-event.ts";
import { redisKeys } from "../shared/redis-keys.ts";
import type { Stats } from "./schema.ts";

/** Stream entries one read looks at: a few hundred KB at most under load, one small reply at a trickle. */
const PENDING_ENTRIES = 16;

interface ClickTally {
  clicks: number;
  humans: number;
}

interface PendingClicks {
  byLink: Map<string, ClickTally>;
  /** False when the stream holds more entries than were read: the counts are then a lower bound. */
  complete: boolean;
}

/** Counts the waiting clicks per link, in one XRANGE. Throws when Redis does not answer. */
export async function readPending(redis: Redis, entries = PENDING_ENTRIES): Promise<PendingClicks> {
  // One more than counted tells whether the stream goes on.
  const read = await redis.xrange<Record<string, unknown>>(redisKeys.clickStream, "-", "+", entries + 1);
  const values = Object.values(read);
  const byLink = new Map<string, ClickTally>();
  for (const fields of values.slice(0, entries)) {
    // The client parses JSON-looking values, so "e" is already the event or the batch object.
    const batch = entryClicks(typeof fields.e === "string" ? safeJson(fields.e) : fields.e);
    if ("reason" in batch) continue;
    for (const click of batch.clicks) {
      const { linkId, kind } = (click ?? {}) as { linkId?: unknown; kind?: unknown };
      if (typeof linkId !== "string") continue;
      const t = byLink.get(linkId) ?? { clicks: 0, humans: 0 };
      t.clicks++;
      if (kind === "human") t.humans++;
      byLink.set(linkId, t);
    }
  }
  return { byLink, complete: values.length <= entries };
}

const safeJson = (s: string): unknown => {
  try {
    return JSON.parse(s);
  } catch {
    return null;
  }
};

/** The per-link live block of a stats answer; null when Redis does not answer (the stats are still served). */
export async function readLive(redis: Redis, linkId: string, ingested: ClickTally): Promise<Stats["live"]> {
  try {
    const { byLink, complete } = await readPending(redis);
    const pending = byLink.get(linkId) ?? { clicks: 0, humans: 0 };
    return {
      clicks: ingested.clicks + pending.clicks,
      humans: ingested.humans + pending.humans,
      ingested,
      pending,
      complete,
    };
  } catch (e) {
    console.error(`live figures of ${linkId} unavailable:`, e instanceof Error ? e.message : e);
    return null;
  }
}
