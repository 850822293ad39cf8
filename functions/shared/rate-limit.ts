/**
 * Per-key rate limits for /api/v1 (@upstash/ratelimit, sliding window of one minute, over this request's
 * Redis client). A limiter that cannot reach Redis lets the request through and logs it: an outage of the
 * counter store must not take the whole API down with it.
 */
import { Ratelimit } from "@upstash/ratelimit";
import type { Context } from "hono";
import type { AppEnv } from "./app-env.ts";
import { redisKeys } from "./redis-keys.ts";

export interface RateLimitState {
  limit: number;
  remaining: number;
  /** Epoch ms when the window frees up. */
  reset: number;
  success: boolean;
}

// Isolate-lifetime on purpose (the library's "ephemeral cache"): keys that used up their window are refused
// from memory until it resets, so a client hammering past its limit costs no Redis call. Holds only
// identifiers and timestamps.
const blocked = new Map<string, number>();

/** Counts one request of `identifier`; null when limits are off or Redis failed (fail open). */
export async function checkRateLimit(c: Context<AppEnv>, identifier: string): Promise<RateLimitState | null> {
  const perMinute = c.var.config.RATE_LIMIT_PER_MINUTE;
  if (perMinute <= 0) return null;
  const limiter = new Ratelimit({
    redis: c.var.redis,
    limiter: Ratelimit.slidingWindow(perMinute, "60 s"),
    prefix: redisKeys.rateLimit,
    ephemeralCache: blocked,
    // The Redis client already gives up after REDIS_TIMEOUT_MS; this is the library's own fail-open timer.
    timeout: c.var.config.REDIS_TIMEOUT_MS,
    analytics: false,
  });
  try {
    const r = await limiter.limit(identifier);
    c.executionCtx.waitUntil(r.pending.catch(() => {}));
    if (r.reason === "timeout") {
      console.error(`rate limit for ${identifier} skipped: Redis did not answer in time`);
      return null;
    }
    return { limit: r.limit, remaining: Math.max(0, r.remaining), reset: r.reset, success: r.success };
  } catch (e) {
    console.error(`rate limit for ${identifier} skipped (failing open):`, e instanceof Error ? e.message : e);
    return null;
  }
}

/** X-RateLimit-* (Reset in epoch seconds, as GitHub sends it), plus Retry-After (seconds) when refused. */
export function rateLimitHeaders(s: RateLimitState, now = Date.now()): Record<string, string> {
  const headers: Record<string, string> = {
    "x-ratelimit-limit": String(s.limit),
    "x-ratelimit-remaining": String(s.remaining),
    "x-ratelimit-reset": String(Math.ceil(s.reset / 1000)),
  };
  if (!s.success) headers["retry-after"] = String(Math.max(1, Math.ceil((s.reset - now) / 1000)));
  return headers;
}
