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

/**
 * A limit per minute. Its map is the library's "ephemeral cache", isolate-lifetime on purpose: identifiers
 * that used up their window are refused from memory until it resets, so a client hammering past its limit
 * costs no Redis call (it holds only identifiers and timestamps). The Redis client already gives up after
 * REDIS_TIMEOUT_MS, and so does the library's fail-open timer.
 */
const perMinute = (requests: LimitSpec["requests"], prefix: string, keepPending = false): LimitSpec => ({
  requests, window: "60 s", prefix, ephemeralCache: new Map(), timeoutMs: (config) => config.REDIS_TIMEOUT_MS, keepPending,
});

/** A limit per 15 minutes that counts failures only (peekRateLimit before, checkRateLimit on a failure). */
const failuresPer15Minutes = (requests: LimitSpec["requests"], prefix: string): LimitSpec => ({
  requests, window: "15 m", prefix, ephemeralCache: false, keepPending: false,
});

const LIMITS = {
  /** Requests per API key per minute (RATE_LIMIT_PER_MINUTE). */
  apiKey: perMinute((config) => config.RATE_LIMIT_PER_MINUTE, redisKeys.rateLimit, true),
  /** Failed authentications (unknown, revoked or malformed keys) per salted client IP. */
  authFailure: perMinute((config) => config.AUTH_FAILURES_PER_MINUTE, redisKeys.authFailures),
  /**
   * Lookups that reached Postgres per salted visitor IP and minute (slugs neither cached nor known as missing):
   * a scanner of random slugs cannot make every request a Postgres query. Real visitors almost never miss.
   */
  postgresLookup: perMinute((config) => config.POSTGRES_LOOKUPS_PER_MINUTE, redisKeys.postgresLookups),
  /** Wrong passwords per protected link and salted visitor IP. */
  passwordFailure: failuresPer15Minutes((config) => config.PASSWORD_FAILURES_PER_CLIENT, redisKeys.passwordAttempts),
  /** Wrong passwords per protected link from all clients together: rotating addresses (IPv6) gains nothing. */
  passwordFailureLink: failuresPer15Minutes((config) => config.PASSWORD_FAILURES_PER_LINK, redisKeys.passwordAttemptsPerLink),
  /** Link reports per salted client IP: anyone may report, nobody may flood the admins' queue. */
  reportClient: { requests: (config) => config.REPORTS_PER_CLIENT, window: "10 m", prefix: redisKeys.reportsPerClient, ephemeralCache: new Map(), keepPending: false },
  /** Link reports from every client together (identifier "all"): rotating addresses gains nothing past it. */
  // No ephemeral cache: it would keep refusing everyone from memory for up to an hour after one refusal.
  reportTotal: { requests: (config) => config.REPORTS_PER_HOUR, window: "1 h", prefix: redisKeys.reportsTotal, ephemeralCache: false, keepPending: false },
} satisfies Record<string, LimitSpec>;

export type LimitName = keyof typeof LIMITS;

function limiterFor(c: Context<AppEnv>, name: LimitName): { limiter: Ratelimit; spec: LimitSpec; requests: number } | null {
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
  return { limiter, spec, requests };
}

/**
 * Whether `identifier` has used up limit `name`, without counting anything (for limits that count failures
 * only); null when the limit is off or Redis failed (fail open).
 */
export async function peekRateLimit(c: Context<AppEnv>, name: LimitName, identifier: string): Promise<RateLimitState | null> {
  const l = limiterFor(c, name);
  if (!l) return null;
  try {
    const { remaining, reset } = await l.limiter.getRemaining(identifier);
    return { limit: l.requests, remaining: Math.max(0, remaining), reset, success: remaining > 0 };
  } catch (e) {
    console.error(`rate limit ${name} for ${identifier} not checked (failing open):`, e instanceof Error ? e.message : e);
    return null;
  }
}

/** Counts one request of `identifier` under limit `name`; null when that limit is off or Redis failed (fail open). */
export async function checkRateLimit(c: Context<AppEnv>, name: LimitName, identifier: string): Promise<RateLimitState | null> {
  const l = limiterFor(c, name);
  if (!l) return null;
  const { limiter, spec } = l;
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
