/**
 * The second tier: link:{slug} in Redis, a CachedLink for LINK_TTL_SECONDS (7 days) or the negative marker
 * for NEGATIVE_TTL_SECONDS. Written by the links API (write-through.ts) and filled by redirects that had to
 * read Postgres (fill.ts).
 */
import type { Redis } from "@upstash/redis/cloudflare";
import { LINK_TTL_SECONDS, redisKeys } from "../../shared/redis-keys.ts";
import { parseEntry, type CacheEntry, type CachedLink } from "./entry.ts";

export type RedisRead = { entry: CacheEntry | null; raw: unknown };

/** The entry of `slug`; `raw` is what Redis held (non-null with a null entry: a malformed value). */
export async function redisGet(redis: Redis, slug: string): Promise<RedisRead> {
  const raw = await redis.get(redisKeys.link(slug));
  return { entry: parseEntry(raw), raw };
}

/**
 * Writes `links` and deletes the entries of `dropped` slugs, in one round trip whatever their number (the
 * client does not auto-pipeline: see functions/shared/redis.ts). Throws if any command fails.
 */
export async function redisStore(redis: Redis, links: CachedLink[], dropped: string[] = []): Promise<void> {
  if (!links.length && !dropped.length) return;
  const p = redis.pipeline();
  for (const link of links) p.set(redisKeys.link(link.slug), link, { ex: LINK_TTL_SECONDS });
  if (dropped.length) p.del(...dropped.map(redisKeys.link));
  await p.exec();
}
