/** Helpers for the /api/v1 tests: requests through the real Worker, keys, and a direct Redis client. */
import { env } from "cloudflare:workers";
import { Redis } from "@upstash/redis/cloudflare";
import { createDb, type Db } from "../db/client.ts";
import { parseEnv } from "../functions/shared/env.ts";
import type { Scope } from "../functions/shared/auth/scopes.ts";
import worker from "../workers/index.ts";

export const config = parseEnv(env as unknown as Record<string, unknown>);
export const ADMIN_KEY = config.ADMIN_API_KEY;
export const BASE = "http://sho.rt";

/** Redis as the Worker sees it, for checking what the API wrote (link cache, counters). */
export const redis = new Redis({
  url: config.UPSTASH_REDIS_REST_URL,
  token: config.UPSTASH_REDIS_REST_TOKEN,
  retry: false,
  enableTelemetry: false,
});

export interface CallOptions {
  key?: string | null;
  body?: unknown;
  /** Sent as is (a string) instead of JSON-encoding `body`. */
  raw?: BodyInit;
  headers?: Record<string, string>;
  /** Settings to change for this request only (a fresh env object, so it is parsed anew). */
  env?: Record<string, string | undefined>;
  /** Return without waiting for the request's waitUntil work (which then runs on in the background). */
  background?: boolean;
}

/**
 * One request through the Worker's fetch handler, as the runtime calls it, then its waitUntil work, as the
 * runtime finishes it. Not through `exports.default.fetch`: in vitest-pool-workers 0.15 each call of that
 * costs more than the one before (measured: /openapi.json from 3.5 to 12 ms within 200 calls), which
 * property tests of hundreds of requests cannot afford. The body is read before returning, so no request
 * is left open.
 */
export async function call(method: string, path: string, opts: CallOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { ...opts.headers };
  const key = opts.key === undefined ? ADMIN_KEY : opts.key;
  if (key !== null) headers.authorization ??= `Bearer ${key}`;
  let body: BodyInit | undefined = opts.raw;
  if (body === undefined && opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers["content-type"] ??= "application/json";
  }
  const waits: Promise<unknown>[] = [];
  const ctx = { waitUntil: (p: Promise<unknown>) => void waits.push(p), passThroughOnException() {}, props: {} };
  const bindings = opts.env ? { ...(env as unknown as Record<string, unknown>), ...opts.env } : (env as unknown as Record<string, unknown>);
  const res = await worker.fetch(new Request(`${BASE}${path}`, { method, headers, body }), bindings, ctx as unknown as ExecutionContext);
  const buffered = await res.arrayBuffer();
  if (!opts.background) await Promise.allSettled(waits);
  return new Response(res.status === 204 || res.status === 304 ? null : buffered, res);
}

/** A fresh slug no other test uses. */
export function uniqueSlug(tag = "t"): string {
  return `${tag}-${crypto.randomUUID().slice(0, 13)}`;
}

export async function mintKey(scopes: Scope[], name = "test key"): Promise<{ id: string; key: string; prefix: string }> {
  const res = await call("POST", "/api/v1/keys", { body: { name, scopes } });
  if (res.status !== 201) throw new Error(`minting a key: ${res.status} ${await res.text()}`);
  return (await res.json()) as { id: string; key: string; prefix: string };
}

export async function createLink(body: Record<string, unknown>, key?: string): Promise<any> {
  const res = await call("POST", "/api/v1/links", { body, key });
  if (res.status !== 201) throw new Error(`creating a link: ${res.status} ${await res.text()}`);
  return res.json();
}

export const inAnHour = () => new Date(Date.now() + 3600_000).toISOString();

/** A Postgres pool for one test: workerd ties sockets to the test that opened them. */
export async function withDb<T>(fn: (db: Db) => Promise<T>): Promise<T> {
  const { db, pool } = createDb(config);
  try {
    return await fn(db);
  } finally {
    await pool.end();
  }
}
