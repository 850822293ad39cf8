/**
 * The one way tests call the Worker: a request through its fetch handler, as the runtime calls it, then its
 * waitUntil work, as the runtime finishes it.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import worker from "../../workers/index.ts";
import { ADMIN_KEY, bindings, withSettings } from "./env.ts";

/** The origin requests are sent to (PUBLIC_BASE_URL of the test run). */
export const BASE = "http://sho.rt";

export interface WorkerCallOptions {
  /** Sent as `Authorization: Bearer <key>`; ADMIN_API_KEY when not given, no header when null. */
  key?: string | null;
  /** JSON-encoded, with content-type application/json unless `headers` says otherwise. */
  body?: unknown;
  /** Sent as is instead of JSON-encoding `body` (a string, a form, a stream). */
  raw?: BodyInit;
  headers?: Record<string, string>;
  /** Settings to change for this request only (withSettings: a fresh bindings object, parsed anew). */
  settings?: Record<string, string | undefined>;
  /**
   * A bindings object (from withSettings) to use instead: calls given the same one share one configuration,
   * hence one Redis client and one click batch per isolate, as requests of a deployment do.
   */
  bindings?: Record<string, unknown>;
  /** Return without waiting for the request's waitUntil work (which then runs on in the background). */
  background?: boolean;
}

/**
 * One request to `path` (a path on BASE, or a whole URL) through the Worker's fetch handler, then everything
 * it handed to waitUntil (cache fills, click capture, closing its Postgres pool), so a test can look at Redis
 * and Postgres at once, without sleeping; a waitUntil task that failed fails the call. Not through
 * `exports.default.fetch`: in vitest-pool-workers 0.15 each call of that costs more than the one before
 * (measured: /openapi.json from 3.5 to 12 ms within 200 calls), which property tests of hundreds of requests
 * cannot afford. The body is read before returning, so no request is left open.
 */
export async function call(method: string, path: string, opts: WorkerCallOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { ...opts.headers };
  const key = opts.key === undefined ? ADMIN_KEY : opts.key;
  if (key !== null) headers.authorization ??= `Bearer ${key}`;
  let body: BodyInit | undefined = opts.raw;
  if (body === undefined && opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers["content-type"] ??= "application/json";
  }
  const url = /^https?:\/\//.test(path) ? path : `${BASE}${path}`;
  const request = new Request(url, { method, headers, body }) as Parameters<typeof worker.fetch>[0];
  const ctx = createExecutionContext();
  const res = await worker.fetch(request, opts.bindings ?? (opts.settings ? withSettings(opts.settings) : bindings), ctx);
  const buffered = await res.arrayBuffer();
  if (!opts.background) await waitOnExecutionContext(ctx);
  return new Response(res.status === 204 || res.status === 304 ? null : buffered, res);
}
