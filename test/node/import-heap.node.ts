/**
 * Import bodies that once took the Worker from about 130 MB to 1.5 GB and 320 MB, sent to the deployable
 * bundle on `workerd serve` with V8's heap capped as a Worker's isolate is (over the cap workerd aborts:
 * "Reached heap limit"). A CSV whose one quoted cell is 60 MiB is refused (413, naming its line) once the
 * record outgrows any link's row; 10,000 rows with 6,000-character titles are judged as they arrive, each
 * failing alone (titles stop at 500). A redirect sent while each upload is in flight is answered before the
 * import is. Prints the time each took and the process's peak resident memory.
 */
import fs from "node:fs";
import http from "node:http";
import { afterAll, afterEach, expect, it } from "vitest";
import { bundleOf, serveBundle, type Served } from "../../bench/lib/worker.ts";
import { freePort } from "../../dev/ports.ts";
import { Redis } from "@upstash/redis";
import { redisKeys } from "../../functions/shared/redis-keys.ts";

const raw = process.env.EATMYURL_TEST_BINDINGS;
const bundleDir = process.env.EATMYURL_BUNDLE_DIR;
if (!raw || !bundleDir) throw new Error("Run with `npm test -- test/node/import-heap.node.ts`: it builds the bundle and starts the stack.");
const { CONTROL_URL: _c, DIRECT_DATABASE_URL: _d, DIRECT_REDIS_URL: _r, ...stackBindings } = JSON.parse(raw) as Record<string, string>;
const ADMIN = stackBindings.ADMIN_API_KEY;
const SLUG = `heap-${Date.now().toString(36)}`;
const MiB = 1024 * 1024;

let worker: Served;

/** A Worker of its own per test, its heap capped at `heapMB`: one that dies over the cap takes no other test with it. */
async function serve(heapMB: number) {
  const port = await freePort();
  worker = await serveBundle(bundleOf(bundleDir!), { ...stackBindings, PUBLIC_BASE_URL: `http://127.0.0.1:${port}` }, {
    port,
    v8Flags: [`--max-old-space-size=${heapMB}`],
  });
  const res = await api("POST", "/api/v1/links", JSON.stringify({ url: "https://example.com/heap", slug: SLUG }), { "content-type": "application/json" });
  expect([201, 409], await res.text()).toContain(res.status);
  // Once before the import, so the one during it finds the link cached, as a link in use would be.
  expect((await redirectDuring({ bodySent: false, answered: false })).status).toBe(302);
}

afterEach(async () => {
  await worker?.dispose();
});

afterAll(async () => {
  const served = await serveBundle(bundleOf(bundleDir!), stackBindings);
  const headers = { authorization: `Bearer ${ADMIN}` };
  const link = (await (await fetch(`${served.url}/api/v1/links/${SLUG}`, { headers })).json()) as { id?: string };
  await fetch(`${served.url}/api/v1/links/${SLUG}`, { method: "DELETE", headers });
  await served.dispose();
  // Its redirects' clicks leave the shared stream too: a later test's ingest must not meet them.
  if (link.id) {
    const redis = new Redis({ url: stackBindings.UPSTASH_REDIS_REST_URL, token: stackBindings.UPSTASH_REDIS_REST_TOKEN, automaticDeserialization: false });
    const entries = (await redis.xrange(redisKeys.clickStream, "-", "+")) as Record<string, Record<string, string>>;
    const mine = Object.entries(entries).filter(([, fields]) => JSON.stringify(fields).includes(link.id!)).map(([id]) => id);
    if (mine.length) await redis.xdel(redisKeys.clickStream, mine);
  }
}, 60_000);

const api = (method: string, p: string, body?: string, headers: Record<string, string> = {}) =>
  fetch(`${worker.url}${p}`, { method, body, headers: { authorization: `Bearer ${ADMIN}`, ...headers } });

/** Peak resident memory of the workerd process so far, in MB. */
const peakMB = () => Math.round(Number(/VmHWM:\s+(\d+)/.exec(fs.readFileSync(`/proc/${worker.pid}/status`, "utf8"))![1]) / 1024);

const alive = () => {
  try {
    process.kill(worker.pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Where an upload is: its last byte written (the server reads as it parses, so it is near its end then), its answer in. */
interface Progress {
  bodySent: boolean;
  answered: boolean;
}

/**
 * POSTs `parts` to the import with their length declared (as curl and browsers send a file), writing as fast
 * as the server reads; `midway` runs once `atBytes` are written. Resolves with the answer, which may come
 * before the whole body is sent (the rest is then not written).
 */
function upload(query: string, parts: () => Iterable<Buffer>, length: number, atBytes: number, midway: () => void, progress: Progress) {
  return new Promise<{ status: number; body: any }>((resolve, reject) => {
    const url = new URL(`/api/v1/links/import${query}`, worker.url);
    let answered = false;
    const req = http.request(url, {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN}`, "content-type": "text/csv", "content-length": String(length) },
    });
    req.on("response", (res) => {
      answered = true;
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => (text += d));
      res.on("end", () => {
        progress.answered = true;
        resolve({ status: res.statusCode!, body: JSON.parse(text) });
      });
      res.on("error", reject);
    });
    // A refusal before the body is all sent may close the connection under the writes: only the answer counts.
    req.on("error", (e) => (answered ? undefined : reject(new Error(`${e.message}; workerd said: ${worker.log().slice(-4).join(" | ")}`))));
    (async () => {
      let sent = 0;
      let fired = false;
      for (const part of parts()) {
        if (answered) return;
        if (!req.write(part)) await new Promise((r) => req.once("drain", r));
        sent += part.length;
        if (!fired && sent >= atBytes) {
          fired = true;
          midway();
        }
      }
      progress.bodySent = true;
      req.end();
    })().catch(reject);
  });
}

/**
 * Sends a redirect now, on a connection of its own (as a visitor's is); resolves with its status and where the
 * upload was when the answer came.
 */
function redirectDuring(progress: Progress) {
  const sent = performance.now();
  const answer = new Promise<{ status: number; location: string | undefined; then: Progress; ms: number }>((resolve, reject) => {
    http
      .get(`${worker.url}/${SLUG}`, { agent: false }, (res) => {
        res.resume();
        res.on("end", () => {
          resolve({ status: res.statusCode!, location: res.headers.location, then: { ...progress }, ms: Math.round(performance.now() - sent) });
        });
      })
      .on("error", (e) => reject(new Error(`the redirect failed (${e.message}); workerd said: ${worker.log().slice(-4).join(" | ")}`)));
  });
  // Awaited by the test once the import has answered; if the upload fails first, that is the failure to see.
  answer.catch(() => {});
  return answer;
}

it("refuses a 60 MiB quoted cell with 413 naming its line, under a 128 MB heap, answering a redirect meanwhile", async () => {
  await serve(128);
  const head = Buffer.from('url,title\nhttps://example.com/ok,fine\nhttps://example.com/huge,"');
  const block = Buffer.alloc(MiB, "x");
  const tail = Buffer.from('"\n');
  const length = head.length + 60 * MiB + tail.length;
  const progress = { bodySent: false, answered: false };
  let redirect!: ReturnType<typeof redirectDuring>;
  const started = performance.now();
  const res = await upload("?dryRun=true", function* () {
    yield head;
    for (let i = 0; i < 60; i++) yield block;
    yield tail;
  }, length, MiB, () => (redirect = redirectDuring(progress)), progress);
  const seconds = (performance.now() - started) / 1000;
  expect(res.status, JSON.stringify(res.body)).toBe(413);
  expect(res.body).toMatchObject({ status: 413, line: 3 });
  expect(res.body.detail).toMatch(/line 3\b/);
  const visit = await redirect;
  // Sent a megabyte in, long before the record outgrows the bound, it is answered before the refusal.
  expect(visit).toMatchObject({ status: 302, location: "https://example.com/heap", then: { answered: false } });
  expect(alive()).toBe(true);
  console.log(`60 MiB cell: 413 after ${seconds.toFixed(2)} s; the redirect answered in ${visit.ms} ms; workerd peak RSS ${peakMB()} MB`);
}, 180_000);

it("judges 10,000 rows of 6,000-character titles as they arrive, under a 64 MB heap, answering a redirect meanwhile", async () => {
  // Half a Worker's 128 MB: at 128 the reader that held every row until the last one survived this body on
  // some runs (the titles alone are 60 MB; its peak RSS was 226 MB) and died on others. At 64 only a reader
  // that lets each row go once judged fits, every time.
  await serve(64);
  const ROWS = 10_000;
  const title = "t".repeat(6_000);
  const row = (i: number) => Buffer.from(`https://example.com/long/${i},${title}\n`);
  const head = Buffer.from("url,title\n");
  let length = head.length;
  for (let i = 0; i < ROWS; i++) length += row(i).length;
  const progress = { bodySent: false, answered: false };
  let redirect!: ReturnType<typeof redirectDuring>;
  const started = performance.now();
  const res = await upload("?dryRun=true", function* () {
    yield head;
    for (let i = 0; i < ROWS; i += 100) yield Buffer.concat(Array.from({ length: 100 }, (_, j) => row(i + j)));
  }, length, Math.floor(length / 4), () => (redirect = redirectDuring(progress)), progress);
  const seconds = (performance.now() - started) / 1000;
  expect(res.status, JSON.stringify(res.body).slice(0, 500)).toBe(200);
  expect(res.body).toMatchObject({ status: "done", dryRun: true, total: ROWS, processed: ROWS, created: 0, failed: ROWS });
  expect(res.body.errors).toHaveLength(100);
  expect(res.body.errors[0]).toMatchObject({ line: 2 });
  expect(res.body.errors[0].message).toMatch(/^title: /);
  // Sent a quarter into the upload, the redirect is answered while three quarters are still to be sent. A
  // reader that parses what has arrived in promise callbacks alone answers it only once it has read it all.
  const visit = await redirect;
  expect(visit).toMatchObject({ status: 302, then: { bodySent: false, answered: false } });
  expect(alive()).toBe(true);
  console.log(
    `10,000 rows of 6,000-char titles (${(length / MiB).toFixed(1)} MiB): 200 after ${seconds.toFixed(2)} s; ` +
      `the redirect answered in ${visit.ms} ms; workerd peak RSS ${peakMB()} MB`,
  );
}, 180_000);
