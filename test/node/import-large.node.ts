/**
 * A 100,000-row CSV import through the background path, on the deployable bundle in workerd (Miniflare),
 * against the real stack: the request stores the rows as chunks and answers 202, the request's waitUntil
 * and then cron runs apply them, and GET /api/v1/imports/{id} reports progress until done. Prints rows/s
 * (BENCHMARKS.md, "Import").
 */
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import { bundleIn, serveWorker, type WorkerServer } from "../../dev/worker-server.ts";

const raw = process.env.EATMYURL_TEST_BINDINGS;
const bundleDir = process.env.EATMYURL_BUNDLE_DIR;
if (!raw || !bundleDir) throw new Error("Run with `npm test -- test/node/import-large.node.ts`: it builds the bundle and starts the stack.");
const stackBindings = JSON.parse(raw) as Record<string, string>;
const ADMIN = stackBindings.ADMIN_API_KEY;
const ROWS = 100_000;
const HOST = `bulk${Date.now().toString(36)}.example.test`;

let worker: WorkerServer;
let sql: pg.Client;

beforeAll(async () => {
  const { CONTROL_URL: _c, DIRECT_DATABASE_URL: _d, DIRECT_REDIS_URL: _r, ...bindings } = stackBindings;
  worker = await serveWorker({ bundle: bundleIn(bundleDir), assets: path.resolve(import.meta.dirname, "../../public"), bindings: (url) => ({ ...bindings, PUBLIC_BASE_URL: url }) });
  sql = new pg.Client({ connectionString: stackBindings.DIRECT_DATABASE_URL });
  await sql.connect();
}, 60_000);

afterAll(async () => {
  await sql?.query("delete from links where domain = $1", [HOST]).catch(() => {});
  await sql?.query("delete from domains where hostname = $1", [HOST]).catch(() => {});
  await sql?.end();
  await worker?.dispose();
});

const api = (method: string, p: string, init: RequestInit = {}) =>
  fetch(`${worker.url}${p}`, { ...init, method, headers: { authorization: `Bearer ${ADMIN}`, ...(init.headers as Record<string, string>) } });

it(`imports ${ROWS.toLocaleString("en")} rows in the background and reports progress to 100%`, async () => {
  expect((await api("POST", "/api/v1/domains", { body: JSON.stringify({ hostname: HOST }), headers: { "content-type": "application/json" } })).status).toBe(201);
  // With its length declared, as a browser or curl sends a file (a body without one is held to 4 MiB).
  const lines = ["Long URL,Short code,Title,Tags"];
  for (let i = 0; i < ROWS; i++) lines.push(`https://example.com/big/${i}?utm_source=import,big-${i},Row ${i},bulk|import`);
  const body = Buffer.from(lines.join("\n") + "\n");
  const started = performance.now();
  const res = await api("POST", `/api/v1/links/import?domain=${HOST}`, { body, headers: { "content-type": "text/csv" } });
  expect(res.status).toBe(202);
  const { id } = (await res.json()) as { id: string };
  const uploaded = performance.now();
  const seen: number[] = [];
  let report: any;
  for (;;) {
    report = await (await api("GET", `/api/v1/imports/${id}`)).json();
    seen.push(report.processed);
    if (report.status !== "running") break;
    await worker.scheduled();
  }
  const seconds = (performance.now() - started) / 1000;
  expect(report).toMatchObject({ status: "done", total: ROWS, processed: ROWS, created: ROWS, failed: 0 });
  expect(seen.at(-1)).toBe(ROWS);
  const { rows } = await sql.query("select count(*)::int as n from links where domain = $1", [HOST]);
  expect(rows[0].n).toBe(ROWS);
  const { rows: left } = await sql.query("select count(*)::int as n from import_chunks where job_id = $1", [id]);
  expect(left[0].n).toBe(0);
  console.log(
    `import: ${ROWS} rows in ${seconds.toFixed(1)} s (the file: ${(body.length / 1e6).toFixed(1)} MB, stored in ${((uploaded - started) / 1000).toFixed(1)} s) = ${Math.round(ROWS / seconds)} rows/s; ` +
      `progress polled ${seen.length} times, from ${seen[0]} to ${seen.at(-1)}`,
  );
}, 600_000);
