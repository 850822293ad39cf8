/**
 * Chaos benchmark (issue 13): `npm run bench:chaos`. Load on one hot link for a couple of minutes while Redis
 * is stopped and started twice, Postgres once, and two ingest runs are SIGKILLed, one while a commit is in
 * flight and one between a commit and its acknowledgement. Then everything is drained through the Worker's
 * own flush route and the clicks are compared exactly: every 30x the load generator got back must be one row
 * in `clicks`, no more, no less; and no 5xx but the documented 503s (functions/redirect/README.md: a redirect
 * answers 503 only when Redis and Postgres are both unreachable, or when a maxClicks link cannot be checked;
 * neither happens here, one service is down at a time and the hot link has no limit, so the expected number
 * of 503s is 0 and any 5xx fails the run).
 *
 * The built bundle (wrangler deploy --dry-run) on `workerd serve` (bench/lib/worker.ts), the stack of
 * dev/stack.ts in this process with its real redis-server (append-only file, so the stream survives a stop)
 * and PostgreSQL. The load is a Node client (CONNECTIONS concurrent loops of fetch with redirect: "manual")
 * that counts every answer by status, so "30x answered" is exact (wrk's completed requests are not); loopback
 * only. The ingest runs every ~10 s during the load through POST /api/v1/ingest/flush (its 503s while a
 * service is down are its documented answer, "the next run resumes"); the killed runs are
 * bench/chaos-ingest.ts, THE ingest routine in a child Node process with the production clients.
 *
 * Exit code non-zero if served ≠ ingested, if a redirect answered a 5xx, or a request failed without answer.
 * This file runs the load, the faults and the drain; the rows and that judgement are in chaos-report.ts.
 *   npm run bench:chaos
 */
import { spawn, type ChildProcess } from "node:child_process";
import readline from "node:readline";
import pg from "pg";
import { onShutdown, startStack, type Stack } from "../dev/stack.ts";
import { chaosReport, newTally, type ChaosTally, type Phase } from "./chaos-report.ts";
import { emit, fmt } from "./lib/report.ts";
import { buildBundle, serveBundle, type Served } from "./lib/worker.ts";

const ADMIN = "bench-admin-key-0123456789abcdef";
const CONNECTIONS = 16;
const LINK_ID = "chaos-hot";
const SLUG = "hot";
/** Seconds from the start of the load. */
const SCHEDULE: { at: number; what: string; run: () => Promise<unknown> }[] = [];
const LOAD_SECONDS = 130;
const FLUSH_EVERY_MS = 10_000;
const DRAIN_DEADLINE_MS = 300_000;

let stack: Stack | undefined;
let served: Served | undefined;
let db: pg.Client | undefined;
const children = new Set<ChildProcess>();
const cleanUp = async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  await served?.dispose().catch(() => {});
  await db?.end().catch(() => {});
  await stack?.stop();
};
onShutdown(cleanUp);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (l: string) => console.error(`[chaos ${new Date().toISOString().slice(11, 19)}] ${l}`);

try {
  stack = await startStack({ control: true, log: (l) => console.error(`[stack] ${l}`) });
  const { redis, postgres } = stack;
  if (!redis || !postgres) throw new Error("the chaos bench needs servers of its own (no REDIS_URL / DATABASE_URL)");
  const bundle = buildBundle();
  {
    const c = new pg.Client({ connectionString: stack.databaseUrl });
    await c.connect();
    await c.query(`insert into links (id, slug, url) values ($1, $2, 'https://example.com/hot')`, [LINK_ID, SLUG]);
    await c.end();
  }
  // The lookup budget off (the load comes from one address and reaches Postgres while Redis is down); a
  // short claim delay so the drain takes over what the killed runs left pending within seconds, not a minute.
  served = await serveBundle(bundle, {
    ...stack.bindings, ADMIN_API_KEY: ADMIN, PUBLIC_BASE_URL: "http://sho.rt",
    POSTGRES_LOOKUPS_PER_MINUTE: "0", INGEST_CLAIM_IDLE_MS: "5000",
  });
  const url = `${served.url}/${SLUG}`;
  const flushUrl = `${served.url}/api/v1/ingest/flush`;
  const bindingsJson = JSON.stringify(stack.bindings);

  // --- the load ---------------------------------------------------------------------------------------
  let phase: Phase = "normal";
  const tallies: Record<Phase, ChaosTally> = { normal: newTally(), "Redis down": newTally(), "Postgres down": newTally() };
  let phaseSince = performance.now();
  const setPhase = (p: Phase) => {
    const now = performance.now();
    tallies[phase].ms += now - phaseSince;
    phase = p;
    phaseSince = now;
  };
  let loading = true;
  const loop = async () => {
    while (loading) {
      const t = tallies[phase]; // the phase the request started in
      const t0 = performance.now();
      try {
        const res = await fetch(url, { redirect: "manual" });
        await res.arrayBuffer();
        t.statuses.set(res.status, (t.statuses.get(res.status) ?? 0) + 1);
        if (t.latencies.length < 2_000_000) t.latencies.push(performance.now() - t0);
      } catch (e) {
        t.errors++;
        if (t.errors <= 5) log(`request failed: ${(e as Error).message}`);
      }
    }
  };

  // --- ingest runs during the load: the flush route, and the killed child runs ----------------------------
  const flushes = new Map<string, number>();
  let paused = false;
  const flushOnce = async () => {
    try {
      const res = await fetch(flushUrl, { method: "POST", headers: { authorization: `Bearer ${ADMIN}` } });
      const body = await res.text();
      const key = String(res.status);
      flushes.set(key, (flushes.get(key) ?? 0) + 1);
      return { status: res.status, body };
    } catch (e) {
      flushes.set("no answer", (flushes.get("no answer") ?? 0) + 1);
      return { status: 0, body: String(e) };
    }
  };
  const flusher = async () => {
    while (loading) {
      await sleep(FLUSH_EVERY_MS);
      if (loading && !paused) await flushOnce();
    }
  };
  const kills: string[] = [];
  /** Runs bench/chaos-ingest.ts and SIGKILLs it at the point `mode` names; retries while there was nothing to commit. */
  const killIngest = async (mode: "before" | "after") => {
    paused = true;
    try {
      for (let attempt = 0; attempt < 5; attempt++) {
        await sleep(3000); // let the stream fill beyond one batch
        const child = spawn(process.execPath, ["--import", "tsx", new URL("./chaos-ingest.ts", import.meta.url).pathname, mode],
          { stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, CHAOS_BINDINGS: bindingsJson } });
        children.add(child);
        const exited = new Promise<void>((r) => child.once("exit", () => r()));
        const outcome = await new Promise<string>((resolve) => {
          readline.createInterface({ input: child.stdout! }).on("line", (l) => {
            if (l.startsWith("commit ") || l.startsWith("committed ")) {
              const wait = mode === "before" ? 5 : 0; // the transaction's statement is on its way
              setTimeout(() => { child.kill("SIGKILL"); resolve(l); }, wait);
            } else if (l.startsWith("done")) resolve(l);
          });
          void exited.then(() => resolve("exited"));
        });
        await exited;
        children.delete(child);
        if (outcome.startsWith("commit")) {
          const n = outcome.split(" ")[1];
          kills.push(mode === "before"
            ? `SIGKILLed 5 ms into the commit of a ${n}-click batch`
            : `SIGKILLed after committing ${n} clicks, before their acknowledgement`);
          log(kills.at(-1)!);
          return;
        }
        log(`ingest child ended without a commit to kill in (${outcome}); again`);
      }
      kills.push(`${mode}: no commit to kill in after 5 attempts`);
    } finally {
      paused = false;
    }
  };
  const faults: string[] = [];
  const fault = (what: string, f: () => Promise<void>, p?: Phase) => async () => {
    const t0 = performance.now();
    await f();
    if (p) setPhase(p);
    faults.push(`${what} (${fmt(performance.now() - t0)} ms)`);
    log(what);
  };
  SCHEDULE.push(
    { at: 20, what: "stop Redis", run: fault("Redis stopped", redis.stop, "Redis down") },
    { at: 35, what: "start Redis", run: fault("Redis started", redis.start, "normal") },
    { at: 42, what: "kill an ingest run mid-commit", run: () => killIngest("before") },
    { at: 60, what: "stop Postgres", run: fault("Postgres stopped", postgres.stop, "Postgres down") },
    { at: 75, what: "start Postgres", run: fault("Postgres started", postgres.start, "normal") },
    { at: 82, what: "kill an ingest run between commit and ack", run: () => killIngest("after") },
    { at: 100, what: "stop Redis", run: fault("Redis stopped", redis.stop, "Redis down") },
    { at: 110, what: "start Redis", run: fault("Redis started", redis.start, "normal") },
  );

  log(`load: ${CONNECTIONS} connections on ${url} for ${LOAD_SECONDS} s`);
  const start = performance.now();
  const loops = Array.from({ length: CONNECTIONS }, loop);
  const flushing = flusher();
  for (const s of SCHEDULE) {
    const wait = start + s.at * 1000 - performance.now();
    if (wait > 0) await sleep(wait);
    await s.run();
  }
  await sleep(Math.max(0, start + LOAD_SECONDS * 1000 - performance.now()));
  loading = false;
  await Promise.all(loops);
  setPhase("normal");
  await flushing;
  log("load stopped; draining");

  // --- drain and compare ------------------------------------------------------------------------------
  await sleep(2000); // the last responses' waitUntil capture
  const drainStart = performance.now();
  let drained = false;
  let lastFlush = "";
  while (performance.now() - drainStart < DRAIN_DEADLINE_MS) {
    const r = await flushOnce();
    lastFlush = `${r.status} ${r.body.slice(0, 200)}`;
    if (r.status === 200 && (JSON.parse(r.body) as { pending: number }).pending === 0) { drained = true; break; }
    if (r.status !== 200) await sleep(1000);
  }
  const drainMs = performance.now() - drainStart;
  db = new pg.Client({ connectionString: stack.databaseUrl });
  await db.connect();
  const q = async (s: string, p: unknown[] = []) => Number((await db!.query(s, p)).rows[0].n);
  const ingested = await q(`select count(*) as n from clicks where link_id = $1`, [LINK_ID]);
  const distinct = await q(`select count(distinct id) as n from clicks where link_id = $1`, [LINK_ID]);
  const inboxLeft = await q(`select count(*) as n from click_inbox`).catch(() => -1);

  // --- report (chaos-report.ts) -----------------------------------------------------------------------
  const { rows, servedClicks, failed } = chaosReport({
    tallies, log: served.log(), ingested, distinct, inboxLeft, drained, lastFlush, drainMs, flushes, faults, kills,
  });
  console.error(`load: ${CONNECTIONS} concurrent Node fetch loops, ${LOAD_SECONDS} s; ${fmt(servedClicks)} redirects in all`);
  emit(rows);
  if (failed) process.exitCode = 1;
} finally {
  await cleanUp();
}
