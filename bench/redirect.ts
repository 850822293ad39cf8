/**
 * Redirect benchmark (issue 7): the built Worker bundle served by workerd (Miniflare, no dev proxy) against
 * the local stack, beside a bare Hono Worker answering a fixed 302, under the same wrk load, in one run.
 * Cases: a hot link (isolate cache), links that hit Redis on every request (isolate cache off, 1,000 links),
 * unknown slugs (negative cache). Then every click served must be ingested by the real pipeline.
 *   npm run bench:redirect [-- --quick]
 */
import pg from "pg";
import { startStack } from "../dev/stack.ts";
import { redisKeys } from "../functions/shared/keys.ts";
import { emit, fmt, quick, type BenchRow } from "./lib/report.ts";
import { buildBundle, serveBundle } from "./lib/worker.ts";
import { wrk, type WrkResult } from "./lib/wrk.ts";

const SECONDS = quick ? 2 : 10;
const CONNECTIONS = 32;
const LINKS = quick ? 100 : 1000;
const ADMIN = "bench-admin-key-0123456789abcdef";

const stack = await startStack({ log: (l) => console.error(`[stack] ${l}`) });
const served: { dispose(): Promise<void> }[] = [];
try {
  const bundle = buildBundle();
  const bare = buildBundle("bench/bare/wrangler.toml");

  const db = new pg.Client({ connectionString: stack.databaseUrl });
  await db.connect();
  await db.query(
    `insert into links (id, slug, url) select 'bench' || i, 'b' || i, 'https://example.com/page/' || i
     from generate_series(1, $1) i`,
    [LINKS],
  );

  const bindings = { ...stack.bindings, ADMIN_API_KEY: ADMIN, PUBLIC_BASE_URL: "http://sho.rt" };
  const ours = await serveBundle(bundle, bindings);
  const oursNoCache = await serveBundle(bundle, { ...bindings, LINK_CACHE_SECONDS: "0" });
  const baseline = await serveBundle(bare, {});
  served.push(ours, oursNoCache, baseline);

  const manyLinks = Array.from({ length: LINKS }, (_, i) => `/b${i + 1}`);
  const unknown = Array.from({ length: 1000 }, (_, i) => `/nope${i}`);
  const load = (url: string, paths?: string[]) => wrk(url, { seconds: SECONDS, connections: CONNECTIONS, paths });

  // Warm each target once so JIT and connection set-up are not measured.
  for (const u of [`${baseline.url}/b1`, `${ours.url}/b1`, `${oursNoCache.url}/b1`]) await fetch(u, { redirect: "manual" });

  const results: [string, WrkResult, WrkResult][] = [];
  const bareHot = load(`${baseline.url}/b1`);
  results.push(["hot link (isolate cache)", load(`${ours.url}/b1`), bareHot]);
  results.push(["Redis on every request (cache off, many links)", load(oursNoCache.url, manyLinks), load(baseline.url, manyLinks)]);
  results.push(["unknown slugs (negative cache)", load(ours.url, unknown), load(baseline.url, unknown)]);

  const goals: Record<string, (rps: number, p99: number) => string> = {
    "hot link (isolate cache)": (r, p) => `≥ 0.7× req/s ${r >= 0.7 ? "✔" : "✘"}, p99 ≤ 2× ${p <= 2 ? "✔" : "✘"}`,
    "Redis on every request (cache off, many links)": (r) => `≥ 0.3× req/s ${r >= 0.3 ? "✔" : "✘"}`,
    "unknown slugs (negative cache)": () => "",
  };
  const rows: BenchRow[] = [];
  for (const [name, o, b] of results) {
    const r = o.rps / b.rps;
    const p = o.p99ms / b.p99ms;
    rows.push({
      bench: "redirect",
      case: name,
      value: `${fmt(o.rps)} req/s, p50 ${fmt(o.p50ms, 2)} ms, p99 ${fmt(o.p99ms, 2)} ms`,
      baseline: `${fmt(b.rps)} req/s, p50 ${fmt(b.p50ms, 2)} ms, p99 ${fmt(b.p99ms, 2)} ms`,
      ratio: `${fmt(r, 2)}× req/s, ${fmt(p, 2)}× p99`,
      goal: goals[name](r, p),
    });
    if (o.errors || (name !== "unknown slugs (negative cache)" && o.non2xx3xx)) {
      console.error(`${name}: ${o.errors} socket errors, ${o.non2xx3xx} non-2xx/3xx`);
    }
  }

  // Every click served must arrive in Postgres. Served = what the Worker counted per link in Redis (the
  // redirect increments it beside the stream entry); wrk's completed count is a lower bound of it.
  const completed = results[0][1].requests + results[1][1].requests;
  await new Promise((r) => setTimeout(r, 500)); // let waitUntil work of the last responses finish
  let pending = -1;
  for (let i = 0; i < 600 && pending !== 0; i++) {
    const res = await fetch(`${ours.url}/api/v1/ingest/flush`, { method: "POST", headers: { authorization: `Bearer ${ADMIN}` } });
    if (!res.ok) throw new Error(`flush answered ${res.status}: ${await res.text()}`);
    pending = ((await res.json()) as { pending: number }).pending;
  }
  const ingested = Number((await db.query(`select count(*) from clicks where link_id like 'bench%'`)).rows[0].count);
  const counted = await counters(stack.bindings, LINKS);
  await db.end();
  rows.push({
    bench: "redirect",
    case: "clicks served → ingested",
    value: `${fmt(ingested)} ingested`,
    baseline: `${fmt(counted)} served (${fmt(completed)} completed by wrk)`,
    ratio: counted ? `${fmt(ingested / counted, 4)}×` : "",
    goal: `every click ingested ${ingested === counted && ingested >= completed ? "✔" : "✘"}`,
  });
  rows.push({
    bench: "redirect",
    case: "Worker bundle (gzip)",
    value: `${fmt(bundle.gzipBytes / 1024, 1)} KB`,
    baseline: `${fmt(bare.gzipBytes / 1024, 1)} KB bare Hono`,
    ratio: "",
    goal: `< 400 KB ${bundle.gzipBytes < 400 * 1024 ? "✔" : "✘"}`,
  });
  emit(rows);
} finally {
  for (const s of served) await s.dispose().catch(() => {});
  await stack.stop();
}

/** Sum of the Worker's all-clicks counters over the benchmark links, read through the Upstash bridge. */
async function counters(b: { UPSTASH_REDIS_REST_URL: string; UPSTASH_REDIS_REST_TOKEN: string }, n: number): Promise<number> {
  const keys = Array.from({ length: n }, (_, i) => redisKeys.allClicks(`bench${i + 1}`));
  const res = await fetch(b.UPSTASH_REDIS_REST_URL, {
    method: "POST",
    headers: { authorization: `Bearer ${b.UPSTASH_REDIS_REST_TOKEN}` },
    body: JSON.stringify(["MGET", ...keys]),
  });
  const { result } = (await res.json()) as { result: (string | null)[] };
  return result.reduce((sum, v) => sum + Number(v ?? 0), 0);
}
