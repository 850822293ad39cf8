/**
 * What the webhook tests on Node (webhooks.node.ts, webhooks-retries.node.ts) stand on: the deployable bundle
 * on workerd (Miniflare) against the test stack with fast retries, a Postgres client, real HTTP receivers on
 * loopback ports, the API and the cron as each test drives them. Apart so that both files share one way to
 * start, drive and clean up the Worker; `useWebhookStack()` at the top of a file registers the hooks.
 */
import path from "node:path";
import pg from "pg";
import { afterAll, afterEach, beforeAll, expect } from "vitest";
import { bundleIn, serveWorker, type WorkerServer } from "../../dev/worker-server.ts";
import { uniqueSlug } from "../helpers/unique.ts";
import { startReceiver, type Receiver } from "../helpers/webhook-receiver.ts";

const raw = process.env.EATMYURL_TEST_BINDINGS;
const bundleDir = process.env.EATMYURL_BUNDLE_DIR;
if (!raw || !bundleDir) throw new Error("Run with `npm test -- test/node/webhooks`: it builds the bundle and starts the stack.");
export const stackBindings = JSON.parse(raw) as Record<string, string>;
const ADMIN = stackBindings.ADMIN_API_KEY;
const root = path.resolve(import.meta.dirname, "../..");

/** Fast retries so a day of backoff fits in a test; everything else as in production. */
const FAST = { WEBHOOK_RETRY_BASE_MS: "20", WEBHOOK_RETRY_MAX_MS: "100", WEBHOOK_TIMEOUT_MS: "3000", WEBHOOK_BUDGET_MS: "10000" };

/** The Worker every test drives, and a Postgres client of the test stack (both set in useWebhookStack's beforeAll). */
export let worker: WorkerServer;
export let sql: pg.Client;
const receivers: Receiver[] = [];

export function startWebhookWorker(extra: Record<string, string> = {}) {
  const { CONTROL_URL: _c, DIRECT_DATABASE_URL: _d, DIRECT_REDIS_URL: _r, ...bindings } = stackBindings;
  return serveWorker({
    bundle: bundleIn(bundleDir!),
    assets: path.join(root, "public"),
    bindings: (url) => ({ ...bindings, ...FAST, PUBLIC_BASE_URL: url, ...extra }),
  });
}

/** Starts the Worker and the client before the file's tests, empties endpoints, outbox and receivers after each. */
export function useWebhookStack() {
  beforeAll(async () => {
    worker = await startWebhookWorker();
    sql = new pg.Client({ connectionString: stackBindings.DIRECT_DATABASE_URL });
    await sql.connect();
  }, 60_000);

  afterEach(async () => {
    // Endpoints of one test must not receive the next test's events.
    await sql.query("delete from webhook_endpoints");
    await sql.query("delete from webhook_outbox");
    while (receivers.length) await receivers.pop()!.close();
  });

  afterAll(async () => {
    await sql?.end();
    await worker?.dispose();
  });
}

/** A new client, after a test stopped and started Postgres under the old one. */
export async function reconnectSql() {
  await sql.end().catch(() => {});
  sql = new pg.Client({ connectionString: stackBindings.DIRECT_DATABASE_URL });
  await sql.connect();
}

export async function api(method: string, p: string, body?: unknown, base = worker.url) {
  const res = await fetch(`${base}${p}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

export async function receiver(port?: number) {
  const r = await startReceiver(port);
  receivers.push(r);
  return r;
}

export async function createWebhook(r: { url: string; secrets?: string[] }, events: string[], extra: object = {}, base?: string) {
  const res = await api("POST", "/api/v1/webhooks", { url: r.url, events, ...extra }, base);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  expect(res.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/); // 24 random bytes
  r.secrets?.push(res.body.secret);
  return res.body as { id: string; secret: string };
}

/** Runs the cron until `done` holds (each run: ingest, webhooks), failing after `runs`. */
export async function cronUntil(done: () => boolean | Promise<boolean>, runs = 40, w = worker) {
  for (let i = 0; i < runs; i++) {
    if (await done()) return;
    await w.scheduled().catch(() => {}); // a run may fail (Postgres stopped): the next one resumes
    await new Promise((r) => setTimeout(r, 120));
  }
  expect(await done(), "condition not reached after the cron runs").toBe(true);
}

export async function postLink(slug = uniqueSlug("wh")) {
  const res = await api("POST", "/api/v1/links", { url: "https://example.com/landing?utm_source=wh", slug });
  expect(res.status).toBe(201);
  return res.body as { id: string; slug: string };
}

export const byType = (r: Receiver, type: string) => r.distinct().filter((x) => x.verified!.type === type);
