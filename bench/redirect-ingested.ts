/**
 * The last check of the redirect benchmark (bench/redirect.ts): every click served must arrive in Postgres,
 * once, after the ingest's own flush route has drained the stream. Apart from the entry file because it is a
 * correctness check with its own reading of the counters and the Worker's log, not part of the measurement.
 */
import type pg from "pg";
import type { Stack } from "../dev/stack.ts";
import { redisKeys } from "../functions/shared/redis-keys.ts";
import { fmt, quick, type BenchRow } from "./lib/report.ts";
import type { Served } from "./lib/worker.ts";

/** How long the ingest may take to drain everything the load produced. */
const INGEST_DEADLINE_MS = quick ? 30_000 : 300_000;

/**
 * Every click served must arrive in Postgres, once. Served = what the Worker counted per link in Redis (the
 * redirect bumps clicks:all:{id} in the same pipeline as the XADD) plus the clicks it wrote to the Postgres
 * inbox because an XADD failed (those bump no counter; counted from its log). wrk's count of redirects is a
 * lower bound (requests cut off when wrk stops may still have been served). The flush is the ingest's own
 * route (POST /api/v1/ingest/flush), called until nothing is pending. `links`: how many benchmark links
 * (bench1 to bench<links>) there are; `admin`: the ADMIN_API_KEY the Workers were given.
 */
export async function clicksRow(
  s: Stack, client: pg.Client, workers: Served[], completed: number, links: number, admin: string,
): Promise<{ row: BenchRow; lost: boolean }> {
  // One log line per batch sent to the inbox instead of the stream: "XADD of <n> click(s) failed".
  const inboxed = workers.reduce((n, w) => n + w.log().reduce((k, l) => k + Number(/XADD of (\d+) click\(s\) failed/.exec(l)?.[1] ?? 0), 0), 0);
  const counted = (await settledCounters(s.bindings, links)) + inboxed;
  const row = (value: string, ratio: string, goal: string): BenchRow => ({
    bench: "redirect",
    case: "clicks served → ingested",
    value,
    baseline: `${fmt(counted)} served${inboxed ? ` (${fmt(inboxed)} via the Postgres inbox)` : ""}; ${fmt(completed)} redirects completed by wrk`,
    ratio,
    goal,
  });
  const flushed = await flushAll(workers[0].url, admin);
  const ingested = Number((await client.query(`select count(*) from clicks where link_id like 'bench%'`)).rows[0].count);
  const ratio = counted ? `${fmt(ingested / counted, 4)}×` : "";
  if (flushed.missing) return { row: row("not measured", "", `every click ingested ✘ (${flushed.missing})`), lost: false };
  // Exactly once: as many rows as clicks served. A click whose XADD timed out but landed anyway is both counted
  // in Redis and logged as sent to the inbox (the rows dedupe on its id), so with inbox fallbacks the served
  // figure may overstate by up to their number.
  const ok = !flushed.error && counted > 0 && ingested >= completed && ingested <= counted && ingested >= counted - inboxed;
  const why = flushed.error ? ` (${flushed.error})` : "";
  return { row: row(`${fmt(ingested)} ingested`, ratio, `every click ingested ${ok ? "✔" : "✘"}${why}`), lost: !ok };
}

/** Calls the ingest flush until nothing is pending. */
async function flushAll(workerUrl: string, admin: string): Promise<{ missing?: string; error?: string }> {
  const deadline = Date.now() + INGEST_DEADLINE_MS;
  for (;;) {
    const res = await fetch(`${workerUrl}/api/v1/ingest/flush`, { method: "POST", headers: { authorization: `Bearer ${admin}` } });
    if (res.status === 404) return { missing: "this build has no POST /api/v1/ingest/flush yet (issue 4)" };
    if (!res.ok) return { error: `flush answered ${res.status}: ${(await res.text()).slice(0, 200)}` };
    const { pending } = (await res.json()) as { ingested: number; pending: number };
    if (pending === 0) return {};
    if (Date.now() > deadline) return { error: `${fmt(pending)} still pending after ${INGEST_DEADLINE_MS / 1000} s of flushing` };
  }
}

/** The counters once the last responses' waitUntil work has finished (they stop moving). */
async function settledCounters(b: Stack["bindings"], n: number): Promise<number> {
  let last = -1;
  for (let i = 0; i < 50; i++) {
    const now = await counters(b, n);
    if (now === last) return now;
    last = now;
    await new Promise((r) => setTimeout(r, 200));
  }
  return last;
}

/** Sum of the Worker's all-clicks counters over the benchmark links, read through the Upstash bridge. */
async function counters(b: Stack["bindings"], n: number): Promise<number> {
  const keys = Array.from({ length: n }, (_, i) => redisKeys.allClicks(`bench${i + 1}`));
  const res = await fetch(b.UPSTASH_REDIS_REST_URL, {
    method: "POST",
    headers: { authorization: `Bearer ${b.UPSTASH_REDIS_REST_TOKEN}` },
    body: JSON.stringify(["MGET", ...keys]),
  });
  const { result } = (await res.json()) as { result: (string | null)[] };
  return result.reduce((sum, v) => sum + Number(v ?? 0), 0);
}
