/**
 * Visitor identity without keeping an IP: HMAC-SHA-256 under a salt of the UTC day.
 *
 *   salt_d  = 32 random bytes, made by the first request of day d that needs it, kept in Redis under
 *             salt:{YYYY-MM-DD} only until the end of the next day (while d's clicks can still arrive)
 *   visitor = hex HMAC(salt_d, ip "\n" user agent)
 *
 * The salt is never derived from anything and never stored past its TTL, so once it is gone no one, the
 * operator included, can tell which address a stored hash came from by enumerating IPs (2^32 HMACs would
 * otherwise do it for IPv4). The same person has unrelated hashes on two days (uniques are counted per day;
 * longer ranges add up the days' visitors). No raw IP is stored or logged anywhere.
 *
 * If Redis cannot be asked for the day's salt, the isolate makes its own random one for the day and asks
 * again a minute later: uniques seen through such an isolate count apart until then (an overcount during
 * an outage), which is the price of never keeping a salt that could be re-derived.
 */
import type { Redis } from "@upstash/redis/cloudflare";
import { hex } from "./crypto.ts";
import { redisKeys } from "./redis-keys.ts";

const enc = new TextEncoder();
const DAY_MS = 86_400_000;
const RETRY_MS = 60_000;

const hmacKey = (raw: BufferSource) =>
  crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
const sign = (key: CryptoKey, data: string) => crypto.subtle.sign("HMAC", key, enc.encode(data));

// The day's salt: returns the one stored, or stores the candidate (first writer wins) with its TTL. One round
// trip; SET NX with GET needs Redis 7, which Upstash does not promise.
const DAY_SALT = `
local v = redis.call('GET', KEYS[1])
if v then return v end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
return ARGV[1]
`;

// Isolate-lifetime memo of the current day's key: it outlives requests so a click costs no Redis call for
// the salt; plain data (a CryptoKey), no I/O object. `until` is when a fallback salt is asked for again.
let memo: { start: number; key: Promise<CryptoKey>; until: number } | undefined;

function randomSalt(): string {
  return btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))));
}

async function fetchSalt(redis: Redis, start: number, now: number): Promise<{ salt: string; stored: boolean }> {
  const day = new Date(start).toISOString().slice(0, 10);
  // Until the end of the next UTC day: clicks of day d are hashed within milliseconds of being served.
  const ttl = Math.max(60, Math.ceil((start + 2 * DAY_MS - now) / 1000));
  try {
    const salt = await redis.eval<[string, number], string>(DAY_SALT, [redisKeys.visitorSalt(day)], [randomSalt(), ttl]);
    return { salt: String(salt), stored: true };
  } catch (e) {
    console.error(`visitor salt of ${day} unavailable (using this isolate's own for a minute):`, e instanceof Error ? e.message : e);
    return { salt: randomSalt(), stored: false };
  }
}

/** The HMAC key of the day that `ts` falls in. */
export function dailyKey(redis: Redis, ts: number, now = Date.now()): Promise<CryptoKey> {
  const start = Math.floor(ts / DAY_MS) * DAY_MS;
  if (memo?.start === start && now < memo.until) return memo.key;
  const entry = { start, until: Infinity, key: Promise.resolve(null as unknown as CryptoKey) };
  entry.key = fetchSalt(redis, start, now).then(({ salt, stored }) => {
    if (!stored) entry.until = now + RETRY_MS;
    return hmacKey(enc.encode(salt));
  });
  memo = entry;
  return entry.key;
}

/**
 * The Redis key of today's salt while this isolate does not hold it yet, else null: a link lookup then reads
 * it in the same command (an MGET instead of a GET, functions/redirect/link-cache/redis-tier.ts), so a new
 * isolate's clicks cost no command or round trip of their own for the salt.
 */
export function wantedSaltKey(now = Date.now()): string | null {
  const start = Math.floor(now / DAY_MS) * DAY_MS;
  if (memo?.start === start && now < memo.until) return null;
  return redisKeys.visitorSalt(new Date(start).toISOString().slice(0, 10));
}

/** A salt read along with a lookup (wantedSaltKey): this isolate's key of the day; null (not made yet) is left to dailyKey. */
export function offerSalt(value: unknown, now = Date.now()): void {
  const start = Math.floor(now / DAY_MS) * DAY_MS;
  if (typeof value !== "string" || !value || (memo?.start === start && now < memo.until)) return;
  memo = { start, until: Infinity, key: hmacKey(enc.encode(value)) };
}

/** The client's IP: CF-Connecting-IP at the edge (set by Cloudflare), X-Forwarded-For locally. */
export function clientIp(headers: Headers): string {
  return (headers.get("cf-connecting-ip") ?? headers.get("x-forwarded-for")?.split(",")[0] ?? "").trim();
}

export async function visitorHash(redis: Redis, ts: number, ip: string, userAgent: string): Promise<string> {
  return hex(await sign(await dailyKey(redis, ts), `${ip}\n${userAgent}`));
}

/** Per-IP identity (no user agent, which is free to change) for rate limits; salted like the visitor hash. */
export async function ipHash(redis: Redis, ts: number, ip: string): Promise<string> {
  return hex(await sign(await dailyKey(redis, ts), `ip\n${ip}`));
}
