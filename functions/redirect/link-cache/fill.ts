/**
 * Filling Redis from a Postgres answer without ever leaving a stale entry behind.
 *
 * A Postgres read by a redirect can race the links API, which writes Redis through after its commit (read v1,
 * the API commits v2 and writes Redis, then this fill writes v1 back). So a fill uses SET NX, losing to any
 * entry the API wrote first, and a filled link (7 days) is checked: Postgres is read again after the SET and
 * the entry deleted if the row changed or vanished meanwhile. The API's Redis write comes after its commit,
 * so either it lands after our SET (and wins) or our second read sees its commit. What remains: a stale entry
 * lives from our SET to our DEL (milliseconds), and a redirect that read it keeps it in its isolate for
 * LINK_CACHE_SECONDS at most, the bound the contract allows other isolates. A negative entry is not
 * re-checked, which would double the Postgres reads of exactly the traffic it exists to absorb: NX already
 * loses to the create's write-through, and if that write-through failed the marker is wrong for
 * NEGATIVE_TTL_SECONDS at most.
 */
import type { Redis } from "@upstash/redis/cloudflare";
import type { Db } from "../../../db/client.ts";
import { selectLinkBySlug } from "../../../db/queries/links.ts";
import { LINK_TTL_SECONDS, NEGATIVE_TTL_SECONDS, redisKeys } from "../../shared/redis-keys.ts";
import { isLink, MISSING, toCachedLink, type CacheEntry } from "./entry.ts";

/** The third tier, the source of truth: the link as Postgres has it now, or MISSING. */
export async function readFromPostgres(db: Db, slug: string): Promise<CacheEntry> {
  const row = await selectLinkBySlug(db, slug);
  return row ? toCachedLink(row) : MISSING;
}

/** Writes what Postgres said (`seen`) into Redis; `overwrite` replaces a malformed entry. */
export async function fillLinkCache(redis: Redis, db: Db, slug: string, seen: CacheEntry, overwrite = false): Promise<void> {
  const key = redisKeys.link(slug);
  const ex = isLink(seen) ? LINK_TTL_SECONDS : NEGATIVE_TTL_SECONDS;
  const written = overwrite ? await redis.set(key, seen, { ex }) : await redis.set(key, seen, { ex, nx: true });
  if (written !== "OK" || !isLink(seen)) return;
  let now: CacheEntry | undefined;
  try {
    now = await readFromPostgres(db, slug);
  } catch {
    now = undefined; // cannot confirm: drop the entry rather than risk keeping a stale one for 7 days
  }
  if (!now || JSON.stringify(now) !== JSON.stringify(seen)) await redis.del(key);
}
