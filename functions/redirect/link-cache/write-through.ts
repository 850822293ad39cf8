/**
 * Keeping the cache coherent with Postgres after the links API changed a link (the next redirect already
 * uses the change). Runs after the Postgres write has committed:
 * - this isolate's own entry is dropped at once;
 * - Redis is written through: changed links are SET (which also replaces a negative "missing" marker),
 *   removed slugs are DELeted, all in one pipelined round trip.
 * If that write fails the request still succeeds (Postgres is the source of truth and has the change), but
 * a stale link:{slug} must not outlive it, so the slugs are DELeted again in waitUntil with backoff. A DEL,
 * not a SET: a late retry can never put back an older version over a newer PATCH; the worst it does is make
 * the next redirect read Postgres once. Only if Redis stays unreachable for the whole retry window (about
 * 12 s) is the failure logged, naming each slug, for an operator to clear.
 */
import type { Redis } from "@upstash/redis/cloudflare";
import type { LinkRow } from "../../../db/schema.ts";
import { redisKeys } from "../../shared/redis-keys.ts";
import { toCachedLink } from "./entry.ts";
import { isolateForget } from "./isolate-tier.ts";
import { redisStore } from "./redis-tier.ts";

export const RETRY_DELAYS_MS = [250, 1000, 3000, 8000];

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

async function dropWithRetries(redis: Redis, slugs: string[]): Promise<void> {
  for (const delay of RETRY_DELAYS_MS) {
    await new Promise((r) => setTimeout(r, delay));
    try {
      await redisStore(redis, [], slugs);
      console.log(`link cache: dropped ${slugs.length} entr${slugs.length === 1 ? "y" : "ies"} after a failed write-through`);
      return;
    } catch (e) {
      console.error(`link cache: retry to drop ${slugs.length} entries failed: ${message(e)}`);
    }
  }
  console.error(
    `link cache: Redis unreachable for ${RETRY_DELAYS_MS.reduce((a, b) => a + b)} ms after a link changed; these cache ` +
      `entries may be stale until deleted by hand or expired (7 days): ${slugs.map(redisKeys.link).join(" ")}`,
  );
}

/** Drops the isolate's entry of `slug` (the other tiers are written through or expire). */
export const invalidate = isolateForget;

/**
 * Write-through after `written` rows were inserted or updated and `removed` slugs stopped existing.
 * `ctx.waitUntil` keeps the retries alive after the response.
 */
export async function writeThrough(
  redis: Redis,
  ctx: { waitUntil(p: Promise<unknown>): void },
  written: LinkRow[],
  removed: string[] = [],
): Promise<void> {
  const slugs = [...written.map((r) => r.slug), ...removed];
  for (const slug of slugs) invalidate(slug);
  if (!slugs.length) return;
  try {
    await redisStore(redis, written.map(toCachedLink), removed);
  } catch (e) {
    console.error(`link cache: write-through of ${slugs.length} entries failed (${message(e)}); retrying as deletes`);
    ctx.waitUntil(dropWithRetries(redis, slugs));
  }
}
