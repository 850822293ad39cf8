/**
 * The last check of the redirect benchmark (bench/redirect.ts): every click served must arrive in Postgres,
 * once, after the ingest's own flush route has drained the stream. Apart from the entry file because it is a
 * correctness check with its own reading of the counters and the Worker's log, not part of the measurement.
 */
import { Redis } from "ioredis";
import type pg from "pg";
import type { Stack } from "../dev/stack.ts";
import { entryClicks } from "../functions/shared/click-event.ts";
import { redisKeys } from "../functions/shared/redis-keys.ts";
import { fmt, quick, type BenchRow } from "./lib/report.ts";
import type { Served } from "./lib/worker.ts";

/** How long the ingest may take to drain everything the load produced. */
const INGEST_DEADLINE_MS = quick ? 30_000 : 300_000;

/**
 * Every click served must arrive in Postgres, once. Served = the benchmark links' clicks waiting in the click
 * stream before the flush (what the redirect stored) plus the clicks it wrote to the Postgres inbox because
 * an XADD failed (counted from its log). wrk's count of redirects is a
 * lower bound (requests cut off when wrk stops may still have been served). The flush is the ingest's own
 * route (POST /api/v1/ingest/flush), called until nothing is pending. `admin`: the ADMIN_API_KEY the
 * Workers were given.
 */
export async function clicksRow(
  s: Stack, client: pg.Client, workers: Served[], completed: number, admin: string,
): Promise<{ row: BenchRow; lost: boolean }> {
  // One log line per batch sent to the inbox instead of the stream: "XADD of <n> click(s) failed".
  const inboxed = workers.reduce((n, w) => n + w.log().reduce((k, l) => k + Number(/XADD of (\d+) click\(s\) failed/.exec(l)?.[1] ?? 0), 0), 0);
  const counted = (await settledStreamClicks(s.redisUrl)) + inboxed;
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
  // Exactly once: as many rows as clicks served. A click whose XADD timed out but landed anyway is both in
  // the stream and logged as sent to the inbox (the rows dedupe on its id), so with inbox fallbacks the served
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

/**
 * Clicks of the benchmark links waiting in the click stream, read straight from redis-server a page at a time
 * (the redirect writes the stream and nothing else; no ingest runs during the load). Read again until two
 * reads agree: the last responses' capture may still be storing its batch.
 */
async function settledStreamClicks(redisUrl: string): Promise<number> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  try {
    let last = -1;
    for (let i = 0; i < 50; i++) {
      const now = await streamClicks(redis);
      if (now === last) return now;
      last = now;
      await new Promise((r) => setTimeout(r, 200));
    }
    return last;
  } finally {
    redis.disconnect();
  }
}

async function streamClicks(redis: Redis): Promise<number> {
  let n = 0;
  for (let from = "-"; ;) {
    const page = await redis.xrange(redisKeys.clickStream, from, "+", "COUNT", 200);
    for (const [, fields] of page) {
      const e = fields[fields.indexOf("e") + 1];
      const batch = entryClicks(JSON.parse(e));
      if ("clicks" in batch) n += batch.clicks.filter((c) => String((c as { linkId?: unknown }).linkId).startsWith("bench")).length;
    }
    if (page.length < 200) return n;
    from = `(${page[page.length - 1][0]}`;
  }
}
