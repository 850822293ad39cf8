import worker from "../../workers/index.ts";
import { ADMIN_KEY, testEnv } from "./env.ts";

/**
 * Calls the Worker's fetch with modified settings (the test bindings plus `overrides`), the way the
 * runtime would, and waits for what it handed to waitUntil (closing its Postgres pool) before returning.
 */
export async function callWorker(request: Request, overrides: Record<string, string> = {}): Promise<Response> {
  const pending: Promise<unknown>[] = [];
  const ctx = { waitUntil: (p: Promise<unknown>) => void pending.push(p), passThroughOnException() {}, props: {} };
  const res = await worker.fetch(request as Parameters<typeof worker.fetch>[0], testEnv(overrides), ctx as unknown as ExecutionContext);
  const body = await res.arrayBuffer();
  await Promise.allSettled(pending);
  return new Response(body, { status: res.status, headers: res.headers });
}

export const admin = { authorization: `Bearer ${ADMIN_KEY}` };

/** POST /api/v1/ingest/flush with the admin key. */
export async function flush(overrides: Record<string, string> = {}) {
  const res = await callWorker(new Request("http://sho.rt/api/v1/ingest/flush", { method: "POST", headers: admin }), overrides);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}
