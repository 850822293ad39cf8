/**
 * The first tier: a small, bounded, isolate-local map of links (seconds, LINK_CACHE_SECONDS; 0 turns it off).
 * It lives at module scope on purpose: it outlives requests, which is the point, and holds only plain data
 * (no I/O objects). Other isolates may serve a stale entry for at most the TTL; the isolate that served a
 * PATCH or DELETE drops its entry at once (write-through.ts).
 */
import type { CacheEntry } from "./entry.ts";

const MAX_ENTRIES = 1000;
const entries = new Map<string, { value: CacheEntry; expires: number }>();

export function isolateGet(slug: string, now = Date.now()): CacheEntry | undefined {
  const hit = entries.get(slug);
  if (!hit) return undefined;
  if (hit.expires <= now) {
    entries.delete(slug);
    return undefined;
  }
  return hit.value;
}

export function isolatePut(slug: string, value: CacheEntry, ttlSeconds: number, now = Date.now()): void {
  if (ttlSeconds <= 0) return;
  // Map keeps insertion order: re-inserting moves the key last, and the first key is the oldest.
  entries.delete(slug);
  entries.set(slug, { value, expires: now + ttlSeconds * 1000 });
  if (entries.size > MAX_ENTRIES) entries.delete(entries.keys().next().value!);
}

export function isolateForget(slug: string): void {
  entries.delete(slug);
}
