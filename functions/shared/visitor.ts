/**
 * Visitor identity without keeping an IP: HMAC-SHA-256 under a salt that changes every UTC day.
 *
 *   root   = VISITOR_SALT_SECRET, or HMAC(ADMIN_API_KEY, "eatmyurl visitor salt v1") when unset
 *   salt_d = HMAC(root, "YYYY-MM-DD")                     (d = the click's UTC date)
 *   visitor = hex HMAC(salt_d, ip "\n" user agent)
 *
 * The salt is never stored, so a hash cannot be reversed by enumerating IPs, and the same person has unrelated
 * hashes on two days (uniques are counted per day; longer ranges add up the days' visitors).
 */
import { hex } from "./crypto.ts";
import type { Env } from "./env.ts";

const enc = new TextEncoder();

const hmacKey = (raw: BufferSource) =>
  crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
const sign = (key: CryptoKey, data: string) => crypto.subtle.sign("HMAC", key, enc.encode(data));

const DAY_MS = 86_400_000;

// Isolate-lifetime memo of the current day's key: plain data, derived from config, and it saves two HMACs per
// click. Keyed by the secret too, so a test or a deploy with another secret never reuses it; `start` (the UTC
// midnight the key is for) lets a click of the same day skip formatting a date.
let memo: { secret: string; start: number; key: Promise<CryptoKey> } | undefined;

function dailyKey(config: Env, ts: number): Promise<CryptoKey> {
  const secret = config.VISITOR_SALT_SECRET ?? `admin:${config.ADMIN_API_KEY}`;
  if (memo?.secret === secret && ts >= memo.start && ts < memo.start + DAY_MS) return memo.key;
  const start = Math.floor(ts / DAY_MS) * DAY_MS;
  const day = new Date(start).toISOString().slice(0, 10);
  const key = (async () => {
    const root = config.VISITOR_SALT_SECRET
      ? enc.encode(config.VISITOR_SALT_SECRET)
      : await sign(await hmacKey(enc.encode(config.ADMIN_API_KEY)), "eatmyurl visitor salt v1");
    return hmacKey(await sign(await hmacKey(root), day));
  })();
  memo = { secret, start, key };
  return key;
}

/** The client's IP: CF-Connecting-IP at the edge (set by Cloudflare), X-Forwarded-For locally. */
export function clientIp(headers: Headers): string {
  return (headers.get("cf-connecting-ip") ?? headers.get("x-forwarded-for")?.split(",")[0] ?? "").trim();
}

export async function visitorHash(config: Env, ts: number, ip: string, userAgent: string): Promise<string> {
  return hex(await sign(await dailyKey(config, ts), `${ip}\n${userAgent}`));
}

/** Per-IP identity (no user agent, which is free to change) for rate limits; salted like the visitor hash. */
export async function ipHash(config: Env, ts: number, ip: string): Promise<string> {
  return hex(await sign(await dailyKey(config, ts), `ip\n${ip}`));
}
