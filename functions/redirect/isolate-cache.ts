/**
 * A small, bounded, isolate-local cache of links (seconds, LINK_CACHE_SECONDS; 0 turns it off). It lives at
 * module scope on purpose: it outlives requests, which is the point, and holds only plain data (no I/O
 * objects). Other isolates may serve a stale entry for at most the TTL; the isolate that served a PATCH or
 * DELETE drops its entry at once through forgetLink().
 */
import type { CacheEntry } from "../shared/link-cache.ts";

const MAX_ENTRIES = 1000;
const entries = new Map<string, { value: CacheEntry; expires: number }>();

export function getCachedLink(slug: string, now = Date.now()): CacheEntry | undefined {
  const hit = entries.get(slug);
  if (!hit) return undefined;
  if (hit.expires <= now) {
    entries.delete(slug);
    return undefined;
  }
  return hit.value;
}

export function cacheLink(slug: string, value: CacheEntry, ttlSeconds: number, now = Date.now()): void {
  if (ttlSeconds <= 0) return;
  // Map keeps insertion order: re-inserting moves the key last, and the first key is the oldest.
  entries.delete(slug);
  entries.set(slug, { value, expires: now + ttlSeconds * 1000 });
  if (entries.size > MAX_ENTRIES) entries.delete(entries.keys().next().value!);
}

export function forgetLink(slug: string): void {
  entries.delete(slug);
}
