/**
 * Filling Redis from a Postgres answer without ever leaving a stale entry behind.
 *
 * A Postgres read by a redirect can race the links API, which writes Redis through after its commit (read v1,
 * the API commits v2 and writes Redis, then this fill writes v1 back). So a link is filled with the same
 * versioned write as the API's (redis-tier.ts), which loses to the API's newer entry or tombstone, and a
 * filled link (7 days) is checked: Postgres is read again after the write and the entry deleted if the row
 * changed or vanished meanwhile (the API's own write may have failed). The API's Redis write comes after its
 * commit, so either it lands after ours (and wins) or our second read sees its commit. What remains: a stale entry
 * lives from our SET to our DEL (milliseconds), and a redirect that read it keeps it in its isolate for
 * LINK_CACHE_SECONDS at most, the bound the contract allows other isolates. A negative entry is not
 * re-checked, which would double the Postgres reads of exactly the traffic it exists to absorb: it is written
 * with SET NX, so it loses to the create's write-through, and if that write-through failed the marker is wrong
 * for NEGATIVE_TTL_SECONDS at most.
 */
import type { Redis } from "@upstash/redis/cloudflare";
import type { Db } from "../../../db/client.ts";
import { selectLinkBySlug } from "../../../db/queries/links.ts";
import { NEGATIVE_TTL_SECONDS, redisKeys } from "../../shared/redis-keys.ts";
import { isLink, MISSING, toCachedLink, type CacheEntry } from "./entry.ts";
import { redisStore } from "./redis-tier.ts";

/** The third tier, the source of truth: the link as Postgres has it now, or MISSING. */
export async function readFromPostgres(db: Db, slug: string, domain: string | null = null): Promise<CacheEntry> {
  const row = await selectLinkBySlug(db, domain, slug);
  return row ? toCachedLink(row) : MISSING;
}

/**
 * Writes what Postgres said (`seen`) about `slug` on `domain` (null: the default) into Redis; `overwrite` lets
 * a negative marker replace a malformed entry.
 */
export async function fillLinkCache(
  redis: Redis, db: Db, slug: string, seen: CacheEntry, overwrite = false, domain: string | null = null,
): Promise<void> {
  const key = redisKeys.linkOn(domain, slug);
  if (!isLink(seen)) {
    await redis.set(key, seen, overwrite ? { ex: NEGATIVE_TTL_SECONDS } : { ex: NEGATIVE_TTL_SECONDS, nx: true });
    return;
  }
  const [written] = await redisStore(redis, [seen]);
  if (!written) return;
  let now: CacheEntry | undefined;
  try {
    now = await readFromPostgres(db, slug, domain);
  } catch {
    now = undefined; // cannot confirm: drop the entry rather than risk keeping a stale one for 7 days
  }
  if (!now || JSON.stringify(now) !== JSON.stringify(seen)) await redis.del(key);
}
