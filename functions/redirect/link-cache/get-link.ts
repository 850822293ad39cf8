/**
 * Finding a link: the isolate tier (seconds), then Redis link:{slug} (7 days), then Postgres, the source of
 * truth. A Postgres answer (found or not) fills Redis after the response (fill.ts says how it never leaves a
 * stale entry); unknown slugs are remembered as unknown (NEGATIVE_TTL_SECONDS in Redis, LINK_CACHE_SECONDS in
 * the isolate) so a scanner cannot hammer Postgres.
 */
import type { Redis } from "@upstash/redis/cloudflare";
import type { Db } from "../../../db/client.ts";
import { linkCacheKey, NEGATIVE_TTL_SECONDS } from "../../shared/redis-keys.ts";
import { isLink, type CacheEntry } from "./entry.ts";
import { fillLinkCache, readFromPostgres } from "./fill.ts";
import { isolateGet, isolatePut } from "./isolate-tier.ts";
import { redisGet, type RedisRead } from "./redis-tier.ts";

export interface LookupServices {
  redis: Redis;
  db: () => Db;
  isolateSeconds: number;
  defer: (label: string, task: () => Promise<unknown>) => void;
  /** Runs before a lookup reaches Postgres while Redis is up; may throw to refuse it (a scanner's budget). */
  beforePostgres?: () => Promise<void>;
}

/** Neither Redis nor Postgres could say whether the link exists: nothing the client sent is wrong. */
export class LinkStoreUnavailable extends Error {}

/**
 * The entry for `slug` on `domain` (null: the default domain), with at most one Redis round trip (none on an
 * isolate hit). `readRedis` replaces the tier's own GET when the caller already fetched the entry in a round
 * trip of its own (functions/redirect/find-link.ts; it may throw as the GET would). Redis failing (down,
 * timed out) falls through to Postgres; both failing throws LinkStoreUnavailable.
 */
export async function getLink(
  s: LookupServices,
  slug: string,
  domain: string | null = null,
  readRedis?: () => Promise<RedisRead>,
): Promise<CacheEntry> {
  const key = linkCacheKey(domain, slug);
  const hit = isolateGet(key);
  if (hit) return hit;

  let read: RedisRead = { entry: null, raw: null };
  let redisUp = true;
  try {
    read = await (readRedis ? readRedis() : redisGet(s.redis, domain, slug));
  } catch (e) {
    redisUp = false;
    console.error(`redirect: redis lookup of ${key} failed, reading Postgres:`, e instanceof Error ? e.message : e);
  }
  if (read.entry) {
    remember(key, read.entry, s.isolateSeconds);
    return read.entry;
  }
  if (read.raw != null) console.error(`redirect: ignoring a malformed cache entry for ${key}`);

  if (redisUp) await s.beforePostgres?.();
  let found: CacheEntry;
  try {
    found = await readFromPostgres(s.db(), slug, domain);
  } catch (e) {
    console.error(`redirect: postgres lookup of ${key} failed:`, e instanceof Error ? e.message : e);
    throw new LinkStoreUnavailable(`no link store answered for ${key}`);
  }
  remember(key, found, s.isolateSeconds);
  if (redisUp) {
    const overwrite = read.raw != null; // replace a malformed entry; otherwise never overwrite a fresher one
    s.defer(`redirect: cache fill of ${key}`, () => fillLinkCache(s.redis, s.db(), slug, found, overwrite, domain));
  }
  return found;
}

function remember(key: string, entry: CacheEntry, seconds: number) {
  isolatePut(key, entry, isLink(entry) ? seconds : Math.min(seconds, NEGATIVE_TTL_SECONDS));
}
