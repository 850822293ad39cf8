/**
 * The link as the redirect needs it, cached in Redis under link:{slug} for 7 days (and briefly per
 * isolate). The API writes it through on create/patch and deletes it on delete, so the next redirect
 * served from Redis or Postgres already sees the change.
 */
import type { Redis } from "@upstash/redis/cloudflare";
import type { LinkRow } from "../../db/schema.ts";
import { LINK_TTL_SECONDS, redisKeys } from "./redis-keys.ts";

export interface CachedLink {
  id: string;
  slug: string;
  url: string;
  redirectType: 301 | 302 | 307 | 308;
  /** Epoch ms, or null. */
  expiresAt: number | null;
  maxClicks: number | null;
  fallbackUrl: string | null;
  passwordHash: string | null;
}

/** Stored for unknown slugs; a cached value without `id`. */
export const MISSING = { missing: true } as const;
export type CacheEntry = CachedLink | typeof MISSING;

export function toCachedLink(row: LinkRow): CachedLink {
  return {
    id: row.id,
    slug: row.slug,
    url: row.url,
    redirectType: row.redirectType as CachedLink["redirectType"],
    expiresAt: row.expiresAt ? row.expiresAt.getTime() : null,
    maxClicks: row.maxClicks,
    fallbackUrl: row.fallbackUrl,
    passwordHash: row.passwordHash,
  };
}

/**
 * Writes `links` and deletes the entries of `dropped` slugs, in one round trip whatever their number (the
 * client does not auto-pipeline: see redis.ts). Throws if any command fails.
 */
export async function updateLinkCache(redis: Redis, links: CachedLink[], dropped: string[] = []): Promise<void> {
  if (!links.length && !dropped.length) return;
  const p = redis.pipeline();
  for (const link of links) p.set(redisKeys.link(link.slug), link, { ex: LINK_TTL_SECONDS });
  if (dropped.length) p.del(...dropped.map(redisKeys.link));
  await p.exec();
}

export const writeLinkCache = (redis: Redis, link: CachedLink) => updateLinkCache(redis, [link]);
export const dropLinkCache = (redis: Redis, slug: string) => updateLinkCache(redis, [], [slug]);
