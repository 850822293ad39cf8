/**
 * Every rate limit of the service, configured here and nowhere else (@upstash/ratelimit, sliding windows,
 * over the request's Redis client). A limiter that cannot reach Redis lets the request through and logs it:
 * an outage of the counter store must not take the API or a link down with it.
 */
import { Ratelimit } from "@upstash/ratelimit";
import type { Context } from "hono";
import type { AppEnv } from "./app-env.ts";
import type { Env } from "./env.ts";
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
const blockedKeys = new Map<string, number>();

/** Wrong passwords a visitor (one IP) may try on one protected link per window, before answering 429. */
const PASSWORD_ATTEMPTS = 10;

interface LimitSpec {
  /** Requests per window; 0 turns the limit off. */
  requests: (config: Env) => number;
  window: Parameters<typeof Ratelimit.slidingWindow>[1];
  prefix: string;
  ephemeralCache: Map<string, number> | false;
  /** The library's own fail-open timer; its default (5 s) when absent. */
  timeoutMs?: (config: Env) => number;
  /** Wait for the library's background work (multi-region sync) in waitUntil. */
  keepPending: boolean;
}

const LIMITS = {
  /** Requests per API key per minute (RATE_LIMIT_PER_MINUTE). */
  apiKey: {
    requests: (config) => config.RATE_LIMIT_PER_MINUTE,
    window: "60 s",
    prefix: redisKeys.rateLimit,
    ephemeralCache: blockedKeys,
    // The Redis client already gives up after REDIS_TIMEOUT_MS.
    timeoutMs: (config) => config.REDIS_TIMEOUT_MS,
    keepPending: true,
  },
  /** Password attempts per protected link and salted visitor IP. */
  passwordAttempt: {
    requests: () => PASSWORD_ATTEMPTS,
    window: "15 m",
    prefix: redisKeys.passwordAttempts,
    ephemeralCache: false,
    keepPending: false,
  },
} satisfies Record<string, LimitSpec>;

export type LimitName = keyof typeof LIMITS;

/** Counts one request of `identifier` under limit `name`; null when that limit is off or Redis failed (fail open). */
export async function checkRateLimit(c: Context<AppEnv>, name: LimitName, identifier: string): Promise<RateLimitState | null> {
  const spec: LimitSpec = LIMITS[name];
  const config = c.var.config;
  const requests = spec.requests(config);
  if (requests <= 0) return null;
  const limiter = new Ratelimit({
    redis: c.var.redis,
    limiter: Ratelimit.slidingWindow(requests, spec.window),
    prefix: spec.prefix,
    ephemeralCache: spec.ephemeralCache,
    timeout: spec.timeoutMs?.(config),
    analytics: false,
  });
  try {
    const r = await limiter.limit(identifier);
    if (spec.keepPending) c.executionCtx.waitUntil(r.pending.catch(() => {}));
    if (r.reason === "timeout") {
      console.error(`rate limit ${name} for ${identifier} skipped: Redis did not answer in time`);
      return null;
    }
    return { limit: r.limit, remaining: Math.max(0, r.remaining), reset: r.reset, success: r.success };
  } catch (e) {
    console.error(`rate limit ${name} for ${identifier} skipped (failing open):`, e instanceof Error ? e.message : e);
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
