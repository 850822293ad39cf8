/**
 * What the link health tests on Node stand on: the deployable bundle on workerd (Miniflare) with health checks
 * on, real destinations on loopback ports (workerd cannot listen) that count their connections, a Postgres
 * client, and the cron as each test drives it. A test makes its links due by moving their health_due_at into
 * the distant past, and lets a run take exactly that many (HEALTH_CHECKS_PER_RUN), so that no other file's
 * link is ever checked by these runs.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import pg from "pg";
import { Redis } from "@upstash/redis/cloudflare";
import { lowerWorkDue } from "../../functions/shared/work-due.ts";
import { expect } from "vitest";
import { startWebhookWorker, stackBindings } from "./webhooks-harness.ts";
import { uniqueSlug } from "../helpers/unique.ts";

export { stackBindings };
const ADMIN = stackBindings.ADMIN_API_KEY;

export interface HealthDestination {
  origin: string;
  /** Requests received, by path (without the /p prefix). */
  hits: string[];
  /** The user agent of each request. */
  agents: string[];
  /** TCP connections accepted. */
  connections: number;
  /** What a path answers: a status (and headers), or null to never answer. */
  answer: (path: string) => { status: number; headers?: Record<string, string> } | null;
  close(): Promise<void>;
}

export async function destination(): Promise<HealthDestination> {
  const d: HealthDestination = { origin: "", hits: [], agents: [], connections: 0, answer: () => ({ status: 200 }), close: async () => {} };
  const server = http.createServer((req, res) => {
    // Links point at /p/...: a one-segment path on the Worker's own host would be refused as a loop.
    const path = (req.url ?? "/").replace(/^\/p\//, "/");
    d.hits.push(path);
    d.agents.push(req.headers["user-agent"] ?? "");
    const a = d.answer(path);
    if (a === null) return; // hangs until the checker gives up
    res.writeHead(a.status, { "content-type": "text/html", ...a.headers });
    res.end("<!doctype html><title>a page</title>" + "x".repeat(20_000));
  });
  server.on("connection", () => d.connections++);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  d.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  d.close = () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); });
  return d;
}

export const HEALTH_ON = { HEALTH_CHECK_DAYS: "7", HEALTH_CHECK_TIMEOUT_MS: "500" };

export async function healthWorker(extra: Record<string, string> = {}) {
  return startWebhookWorker({ ...HEALTH_ON, ...extra });
}

export async function openSql() {
  const sql = new pg.Client({ connectionString: stackBindings.DIRECT_DATABASE_URL });
  await sql.connect();
  return sql;
}

export async function healthApi(base: string, method: string, p: string, body?: unknown, key = ADMIN) {
  const res = await fetch(`${base}${p}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

export async function makeHealthLink(base: string, url: string, extra: object = {}) {
  const res = await healthApi(base, "POST", "/api/v1/links", { url, slug: uniqueSlug("hl"), ...extra });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; slug: string; health: unknown };
}

/**
 * Makes the links due now, ahead of every other link (the most overdue go first), and tells the cron's idle
 * check that Postgres work is due (it would otherwise learn it at the full hour).
 */
export async function makeDue(sql: pg.Client, ids: string[]) {
  await sql.query("update links set health_due_at = '1990-01-01T00:00:00Z' where id = any($1)", [ids]);
  await lowerWorkDue(new Redis({ url: stackBindings.UPSTASH_REDIS_REST_URL, token: stackBindings.UPSTASH_REDIS_REST_TOKEN }), Date.now() - 1000);
}

export async function healthOf(sql: pg.Client, id: string) {
  const { rows } = await sql.query("select health, health_due_at from links where id = $1", [id]);
  return rows[0] as { health: { status: string; httpStatus: number | null; reason?: string | null; failures?: number } | null; health_due_at: Date };
}
