/**
 * Finding a link: isolate cache (seconds), then Redis link:{slug} (7 days), then Postgres, the source of truth.
 * A Postgres answer (found or not) repopulates Redis after the response; unknown slugs are remembered as unknown
 * (NEGATIVE_TTL_SECONDS in Redis, LINK_CACHE_SECONDS in the isolate) so a scanner cannot hammer Postgres.
 *
 * Coherence with the links API, which writes Redis through on create/patch and deletes the entry on delete:
 * a Postgres read here can race such a write (read v1, the API commits v2 and writes Redis, then this request
 * writes v1 back). So a cache fill uses SET NX, losing to any entry the API wrote first, and a filled link
 * (7 days) is checked: Postgres is read again after the SET and the entry deleted if the row changed or
 * vanished meanwhile. The API's Redis write comes after its commit, so either it lands after our SET (and wins)
 * or our second read sees its commit. What remains: a stale entry lives from our SET to our DEL (milliseconds),
 * and a redirect that read it keeps it in its isolate for LINK_CACHE_SECONDS at most, the bound the contract
 * allows other isolates. A negative entry is not re-checked, which would double the Postgres reads of exactly
 * the traffic it exists to absorb: NX already loses to the create's write-through, and if that write-through
 * failed the marker is wrong for NEGATIVE_TTL_SECONDS at most.
 */
import { eq } from "drizzle-orm";
import { links } from "../../db/schema.ts";
import type { Db } from "../../db/client.ts";
import { ApiError } from "../shared/errors.ts";
import { LINK_TTL_SECONDS, NEGATIVE_TTL_SECONDS, redisKeys } from "../shared/redis-keys.ts";
import { MISSING, toCachedLink, type CacheEntry, type CachedLink } from "../shared/link-cache.ts";
import type { Redis } from "@upstash/redis/cloudflare";
import { cacheLink, getCachedLink } from "./isolate-cache.ts";
import { COMMON_HEADERS } from "./respond.ts";

export const isLink = (e: CacheEntry): e is CachedLink => "id" in e;

/** A Redis value as a cache entry; null when absent or not one of ours. */
function asEntry(value: unknown): CacheEntry | null {
  if (!value || typeof value !== "object") return null;
  const v = value as Record<string, unknown>;
  if (v.missing === true) return MISSING;
  if (typeof v.id === "string" && typeof v.slug === "string" && typeof v.url === "string") return v as unknown as CachedLink;
  return null;
}

export async function readLink(db: Db, slug: string): Promise<CacheEntry> {
  const [row] = await db.select().from(links).where(eq(links.slug, slug)).limit(1);
  return row ? toCachedLink(row) : MISSING;
}

export interface LookupServices {
  redis: Redis;
  db: () => Db;
  isolateSeconds: number;
  defer: (label: string, task: () => Promise<unknown>) => void;
}

/**
 * The link for `slug`, with at most one Redis round trip (none on an isolate hit). Redis failing (down, timed
 * out) falls through to Postgres; both failing is a 503, since nothing the client sent is wrong.
 */
export async function findLink(s: LookupServices, slug: string): Promise<CacheEntry> {
  const hit = getCachedLink(slug);
  if (hit) return hit;

  let cached: unknown;
  let redisUp = true;
  try {
    cached = await s.redis.get(redisKeys.link(slug));
  } catch (e) {
    redisUp = false;
    console.error(`redirect: redis lookup of ${slug} failed, reading Postgres:`, e instanceof Error ? e.message : e);
  }
  const entry = asEntry(cached);
  if (entry) {
    remember(slug, entry, s.isolateSeconds);
    return entry;
  }
  if (cached != null) console.error(`redirect: ignoring a malformed cache entry for ${slug}`);

  let found: CacheEntry;
  try {
    found = await readLink(s.db(), slug);
  } catch (e) {
    console.error(`redirect: postgres lookup of ${slug} failed:`, e instanceof Error ? e.message : e);
    throw new ApiError(503, "The link store is unavailable right now; try again shortly.", {
      headers: { ...COMMON_HEADERS, "retry-after": "5", "cache-control": "no-store" },
    });
  }
  remember(slug, found, s.isolateSeconds);
  if (redisUp) {
    const overwrite = cached != null; // replace a malformed entry; otherwise never overwrite a fresher one
    s.defer(`redirect: cache fill of ${slug}`, () => fillLinkCache(s.redis, s.db(), slug, found, overwrite));
  }
  return found;
}

function remember(slug: string, entry: CacheEntry, seconds: number) {
  cacheLink(slug, entry, isLink(entry) ? seconds : Math.min(seconds, NEGATIVE_TTL_SECONDS));
}

/** Writes what Postgres said into Redis without ever leaving a stale entry behind (see the file comment). */
export async function fillLinkCache(redis: Redis, db: Db, slug: string, seen: CacheEntry, overwrite = false): Promise<void> {
  const key = redisKeys.link(slug);
  const ex = isLink(seen) ? LINK_TTL_SECONDS : NEGATIVE_TTL_SECONDS;
  const written = overwrite ? await redis.set(key, seen, { ex }) : await redis.set(key, seen, { ex, nx: true });
  if (written !== "OK" || !isLink(seen)) return;
  let now: CacheEntry | undefined;
  try {
    now = await readLink(db, slug);
  } catch {
    now = undefined; // cannot confirm: drop the entry rather than risk keeping a stale one for 7 days
  }
  if (!now || JSON.stringify(now) !== JSON.stringify(seen)) await redis.del(key);
}
