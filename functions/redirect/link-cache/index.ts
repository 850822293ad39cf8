/**
 * The link cache, one module for its three tiers (isolate map, Redis link:{slug}, Postgres): the redirect
 * gets links through it, the links API writes through it, and nothing else touches a tier directly.
 *   get           getLink: isolate, then Redis, then Postgres (a miss fills behind the response)
 *   fill          fillLinkCache: a Postgres answer into Redis, never leaving a stale entry
 *   write-through writeThrough: after an API write, SET the changed links and DEL the removed slugs
 *   invalidate    invalidate: drop this isolate's copy of one slug
 * redisStore writes the Redis tier as the API does; tests use it to stage what the API would have written.
 */
export { isLink, MISSING, toCachedLink, type CacheEntry, type CachedLink } from "./entry.ts";
export { fillLinkCache } from "./fill.ts";
export { getLink, LinkStoreUnavailable, type LookupServices } from "./get-link.ts";
export { redisStore, tombstoneOf, TOMBSTONE_TTL_SECONDS } from "./redis-tier.ts";
export { invalidate, writeThrough } from "./write-through.ts";
