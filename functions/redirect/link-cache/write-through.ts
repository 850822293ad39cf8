/**
 * Keeping the cache coherent with Postgres after the links API changed a link (the next redirect already
 * uses the change). Runs after the Postgres write has committed:
 * - this isolate's own entry is dropped at once;
 * - Redis is written through in one pipelined round trip: changed links are written (which also replaces a
 *   negative "missing" marker), removed slugs get a tombstone; every write is versioned (redis-tier.ts), so a
 *   slower, older write can never replace a newer one, and a write in flight cannot bring a deleted link back.
 * If that write fails the request still succeeds (Postgres is the source of truth and has the change), and the
 * same versioned writes are retried in waitUntil with backoff: a late retry loses to anything newer. Only if
 * Redis stays unreachable for the whole retry window (about 12 s) is the failure logged, naming each slug, for
 * an operator to clear.
 */
import type { Redis } from "@upstash/redis/cloudflare";
import type { LinkRow } from "../../../db/schema.ts";
import { linkCacheKey, redisKeys } from "../../shared/redis-keys.ts";
import { toCachedLink, type CachedLink } from "./entry.ts";
import { isolateForget } from "./isolate-tier.ts";
import { redisStore, tombstoneOf, type PlacedTombstone } from "./redis-tier.ts";

export const RETRY_DELAYS_MS = [250, 1000, 3000, 8000];

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

const keyOf = (e: { slug: string; domain?: string | null }) => linkCacheKey(e.domain ?? null, e.slug);

async function storeWithRetries(redis: Redis, links: CachedLink[], tombstones: PlacedTombstone[]): Promise<void> {
  const slugs = [...links, ...tombstones].map(keyOf);
  for (const delay of RETRY_DELAYS_MS) {
    await new Promise((r) => setTimeout(r, delay));
    try {
      await redisStore(redis, links, tombstones);
      console.log(`link cache: wrote ${slugs.length} entr${slugs.length === 1 ? "y" : "ies"} after a failed write-through`);
      return;
    } catch (e) {
      console.error(`link cache: retry to write ${slugs.length} entries failed: ${message(e)}`);
    }
  }
  console.error(
    `link cache: Redis unreachable for ${RETRY_DELAYS_MS.reduce((a, b) => a + b)} ms after a link changed; these cache ` +
      `entries may be stale until deleted by hand or expired (7 days): ${slugs.map(redisKeys.link).join(" ")}`,
  );
}

/**
 * Drops the isolate's entry of a link (the other tiers are written through or expire): `key` is the slug on
 * the default domain, linkCacheKey(domain, slug) on another.
 */
export const invalidate = isolateForget;

/**
 * Write-through after `written` rows were inserted or updated, and `removed` slugs stopped naming `row` (it
 * was deleted, or moved to another slug or domain: `domain` is the one it left, the row's own when absent).
 * `ctx.waitUntil` keeps the retries alive after the response.
 */
export async function writeThrough(
  redis: Redis,
  ctx: { waitUntil(p: Promise<unknown>): void },
  written: LinkRow[],
  removed: { slug: string; domain?: string | null; row: LinkRow }[] = [],
): Promise<void> {
  const links = written.map(toCachedLink);
  const tombstones = removed.map(({ slug, domain, row }) =>
    tombstoneOf({ ...toCachedLink(row), slug, domain: domain === undefined ? row.domain : domain }),
  );
  const slugs = [...links, ...tombstones].map(keyOf);
  for (const slug of slugs) invalidate(slug);
  if (!slugs.length) return;
  try {
    await redisStore(redis, links, tombstones);
  } catch (e) {
    console.error(`link cache: write-through of ${slugs.length} entries failed (${message(e)}); retrying`);
    ctx.waitUntil(storeWithRetries(redis, links, tombstones));
  }
}
