import { Redis } from "@upstash/redis/cloudflare";
import type { Env } from "./env.ts";

/**
 * The Redis client for a configuration and timeout. No retries, and a hard timeout: a slow Redis must never
 * hold a redirect (the caller falls back).
 *
 * Isolate-lifetime memo: one client per (config, timeout), shared by the requests of an isolate. Building one
 * is not cheap: @upstash/redis defines every command as a closure on each instance (hundreds), and its
 * auto-pipelining builds a whole Pipeline object up front; per request that was most of the redirect's CPU
 * and garbage (bench/profile.ts). Sharing is safe because the client holds no I/O object: each command calls
 * the global fetch, which belongs to the request that awaits it, and the timeout signal is made per call.
 * Auto-pipelining is off for that very reason: it would batch commands of concurrent requests into one fetch
 * made by whichever request came first, so one request would await I/O owned by another. Code that wants
 * several commands in one round trip says so with redis.pipeline() or multi().
 */
const clients = new WeakMap<Env, Map<number, AppRedis>>();

/** One command's reply in a pipeline, as Upstash sends it (plain JSON: the client asks for no base64, see createRedis). */
export type PipelineReply = { result?: unknown; error?: string };

/** @upstash/redis plus a raw pipeline for the redirect's per-click write. */
export class AppRedis extends Redis {
  /**
   * Sends `commands` in one round trip (POST /pipeline), like redis.pipeline().exec({ keepErrors: true }) but
   * without building a Pipeline object: that class, too, defines every command as a closure per instance, and
   * one per click was about a fifth of the hot redirect's CPU (bench/profile.ts). Replies are not deserialized
   * (an XADD id and INCR counts need none). Throws when the request itself fails (unreachable, timeout, non-2xx).
   * Goes through the client's own Requester (the documented `Requester` interface of @upstash/redis), so auth,
   * base64 decoding and the timeout signal are the client's.
   */
  async sendPipeline(commands: (string | number)[][]): Promise<PipelineReply[]> {
    const replies = (await this.client.request({ path: ["pipeline"], body: commands })) as unknown;
    if (!Array.isArray(replies) || replies.length !== commands.length) {
      throw new Error(`pipeline: expected ${commands.length} replies, got ${JSON.stringify(replies).slice(0, 200)}`);
    }
    return replies as PipelineReply[];
  }
}

export function createRedis(env: Env, timeoutMs = env.REDIS_TIMEOUT_MS): AppRedis {
  let byTimeout = clients.get(env);
  if (!byTimeout) clients.set(env, (byTimeout = new Map()));
  let client = byTimeout.get(timeoutMs);
  if (!client) {
    client = new AppRedis({
      url: env.UPSTASH_REDIS_REST_URL,
      token: env.UPSTASH_REDIS_REST_TOKEN,
      retry: false,
      enableTelemetry: false,
      enableAutoPipelining: false,
      // Replies as plain JSON strings, not base64: everything this client reads is text the service wrote
      // itself (JSON link entries whose URLs are normalized, hence ASCII; counters, stream ids, salts), so
      // there is no binary to protect, and decoding every reply was 3% of a redirect that reads Redis
      // (bench:profile redis). The ingest reads the stream with its own client (ingest/stream.ts).
      responseEncoding: false,
      signal: () => AbortSignal.timeout(timeoutMs),
    });
    byTimeout.set(timeoutMs, client);
  }
  return client;
}
