/**
 * The second tier: link:{slug} in Redis, a CachedLink for LINK_TTL_SECONDS (7 days), the negative marker for
 * NEGATIVE_TTL_SECONDS, or a tombstone for TOMBSTONE_TTL_SECONDS after a delete. Written by the links API
 * (write-through.ts) and filled by redirects that had to read Postgres (fill.ts).
 *
 * Writes of links never go back in time: each is a compare-and-set in one script. A write of link X loses to
 * an entry of X with the same or a higher version (a slow PATCH arriving after a newer one) and to X's
 * tombstone (a PATCH landing after the DELETE); it replaces an entry of another link Y only if it is newer by
 * updatedAt (the slug changed hands, and this is not a stale write of the link that left). A tombstone never
 * replaces another link's entry (a new link may already have taken the slug). Tombstones read as MISSING.
 */
import type { Redis } from "@upstash/redis/cloudflare";
import { LINK_TTL_SECONDS, redisKeys } from "../../shared/redis-keys.ts";
import { offerSalt, wantedSaltKey } from "../../shared/visitor.ts";
import { parseCacheEntry, type CacheEntry, type CachedLink } from "./entry.ts";

/** How long a deleted link's tombstone outlives it: far longer than any write still in flight. */
export const TOMBSTONE_TTL_SECONDS = 3600;

export type RedisRead = { entry: CacheEntry | null; raw: unknown };

/** What a delete leaves behind, so a write of the deleted link still in flight cannot bring it back. */
export interface Tombstone {
  missing: true;
  tombstone: true;
  id: string;
  version: number;
  updatedAt: number;
}

/** Where a tombstone goes: the slug and domain the link had. */
export type PlacedTombstone = Tombstone & { slug: string; domain: string | null };

export const tombstoneOf = (
  link: Pick<CachedLink, "slug" | "id" | "version" | "updatedAt" | "domain">,
): PlacedTombstone => ({
  missing: true, tombstone: true, id: link.id, version: link.version, updatedAt: link.updatedAt, slug: link.slug,
  domain: link.domain ?? null,
});

// KEYS[1] link:{slug}; ARGV: the entry as JSON, its id, version, updatedAt, "1" for a tombstone, TTL seconds.
// Returns 1 when written. An entry that does not decode (or an old one without id) is simply replaced.
const WRITE = `
local cur = redis.call('GET', KEYS[1])
if cur then
  local ok, c = pcall(cjson.decode, cur)
  if ok and type(c) == 'table' and type(c.id) == 'string' then
    if c.id == ARGV[2] then
      if c.tombstone then return 0 end
      if ARGV[5] ~= '1' and tonumber(c.version or 0) >= tonumber(ARGV[3]) then return 0 end
    else
      if ARGV[5] == '1' and not c.tombstone then return 0 end
      if tonumber(c.updatedAt or 0) > tonumber(ARGV[4]) then return 0 end
    end
  end
end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[6])
return 1
`;

/**
 * The entry of `slug` on `domain`; `raw` is what Redis held (non-null with a null entry: a malformed value).
 * One command either way: with today's visitor salt in the same MGET while this isolate lacks it.
 */
export async function redisGet(redis: Redis, domain: string | null, slug: string): Promise<RedisRead> {
  const salt = wantedSaltKey();
  if (!salt) return readOf(await redis.get(redisKeys.linkOn(domain, slug)));
  const [raw, value] = await redis.mget<unknown[]>(redisKeys.linkOn(domain, slug), salt);
  offerSalt(value);
  return readOf(raw);
}

/** A value Redis held for a link key, as a read. */
export const readOf = (raw: unknown): RedisRead => ({ entry: parseCacheEntry(raw), raw });

const writeArgs = (e: CachedLink | Tombstone, ttl: number) => [
  JSON.stringify(e), e.id, String(e.version), String(e.updatedAt), "tombstone" in e ? "1" : "0", String(ttl),
];

/**
 * Writes `links` and the tombstones of `removed` links (each by the slug it had), versioned as above, in one
 * round trip whatever their number (the client does not auto-pipeline: see functions/shared/redis.ts).
 * Returns, per write in order (links, then tombstones), whether it landed. Throws if any command fails.
 */
export async function redisStore(
  redis: Redis,
  links: CachedLink[],
  removed: (Tombstone & { slug: string; domain?: string | null })[] = [],
): Promise<boolean[]> {
  if (!links.length && !removed.length) return [];
  const p = redis.pipeline();
  for (const link of links) p.eval(WRITE, [redisKeys.linkOn(link.domain ?? null, link.slug)], writeArgs(link, LINK_TTL_SECONDS));
  for (const { slug, domain, ...t } of removed) p.eval(WRITE, [redisKeys.linkOn(domain ?? null, slug)], writeArgs(t, TOMBSTONE_TTL_SECONDS));
  const replies = await p.exec<number[]>();
  return replies.map((r) => Number(r) === 1);
}
