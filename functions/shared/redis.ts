import { Redis } from "@upstash/redis/cloudflare";
import type { Env } from "./env.ts";

/**
 * A Redis client for one request. Not shared across requests: its fetches belong to the request that made
 * them. No retries, and a hard timeout: a slow Redis must never hold a redirect (the caller falls back).
 */
export function createRedis(env: Env, timeoutMs = env.REDIS_TIMEOUT_MS): Redis {
  return new Redis({
    url: env.UPSTASH_REDIS_REST_URL,
    token: env.UPSTASH_REDIS_REST_TOKEN,
    retry: false,
    enableTelemetry: false,
    signal: () => AbortSignal.timeout(timeoutMs),
  });
}
