/**
 * `npm run bench:analytics [-- --quick] [-- --raw-calls=N]`: the stats call for the hot link over 90 days by
 * day with every dimension, end to end (HTTP into the built Worker on workerd via Miniflare, Neon driver,
 * WebSocket proxy, Postgres), beside the same answer computed from raw clicks, in one run on a throwaway
 * stack. Seeds 10 M clicks (--quick: 100 k). Prints a Markdown table; not a test (times vary by machine).
 * Ends with the BENCH_ROWS line that `npm run bench` (bench/run.ts) gathers into its one table.
 */
import { KEY_PREFIX, KEY_RANDOM_CHARS } from "../functions/shared/auth/key-format.ts";
import { execFileSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PgDialect } from "drizzle-orm/pg-core";
import { Miniflare } from "miniflare";
import pg from "pg";
import { resolveRange } from "../functions/analytics/range.ts";
import { dimensionSpans } from "../db/queries/stats-spans.ts";
import { statsQuery, type StatsRequest } from "../db/queries/stats.ts";
import { linkTotalBlocks } from "../db/queries/top-links.ts";
import { DIMENSION_FIELDS } from "../functions/analytics/build-stats.ts";
import { onShutdown, startStack, type Stack } from "../dev/stack.ts";
import { compareWithRaw, rawStats } from "./analytics-raw.ts";
import { emit, fmt, type BenchRow } from "./lib/report.ts";
import { HOT_ID, HOT_SLUG, SEED_LINKS, seed } from "./analytics-seed.ts";

const args = process.argv.slice(2);
const quick = args.includes("--quick");
const TOTAL = quick ? 100_000 : 10_000_000;
const CALLS = 50;
const RAW_CALLS = Number(args.find((a) => a.startsWith("--raw-calls="))?.split("=")[1] ?? 10);
const root = path.resolve(import.meta.dirname, "..");
const log = (s: string) => console.log(s);

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};
const ms = (x: number) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));

let stack: Stack | undefined;
let mf: Miniflare | undefined;
const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "eatmyurl-bench-"));
const cleanup = async () => {
  await mf?.dispose().catch(() => {});
  await stack?.stop();
  fs.rmSync(outdir, { recursive: true, force: true });
};
onShutdown(cleanup);

try {
  log(`# analytics benchmark (${TOTAL.toLocaleString()} clicks${quick ? ", --quick" : ""})\n`);
  stack = await startStack({ log: (l) => log(`  ${l}`) });
  const pool = new pg.Pool({ connectionString: stack.databaseUrl, max: 4 });
  // An idle connection cut when the stack stops (after an error, say) must not mask that error with its own.
  pool.on("error", (e) => log(`postgres pool: ${e.message}`));
  log("seeding:");
  const { end } = await seed(pool, TOTAL, log);

  log("building the Worker (wrangler deploy --dry-run) and starting it in Miniflare");
  execFileSync("npx", ["wrangler", "deploy", "--dry-run", "--outdir", outdir], {
    cwd: root, stdio: "ignore", env: { ...process.env, WRANGLER_SEND_METRICS: "false", WRANGLER_HIDE_BANNER: "true" },
  });
  mf = new Miniflare({
    // The modules named, not walked: the bundle holds dynamic import()s (QStash's client's local mode) that
    // Miniflare's module walk refuses, though they never run in a Worker.
    modules: [{ type: "ESModule", path: path.join(outdir, "index.js") }],
    modulesRoot: outdir,
    compatibilityDate: "2026-04-20",
    bindings: { ...stack.bindings, ADMIN_API_KEY: randomBytes(24).toString("hex") },
    host: "127.0.0.1",
    port: 0,
  });
  const base = await mf.ready;

  // An analytics:read key, so every call pays for its key lookup as a real client's would.
  // In the shape of a minted key: the Worker refuses any other shape before looking it up.
  const base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  const key = KEY_PREFIX + Array.from(randomBytes(KEY_RANDOM_CHARS), (b) => base62[b % 62]).join("");
  await pool.query("insert into api_keys (id, name, prefix, hash, scopes) values ('bench', 'bench', $1, $2, '{analytics:read}')", [
    key.slice(0, 12), createHash("sha256").update(key).digest("hex"),
  ]);

  const day = (t: number) => new Date(t).toISOString().slice(0, 10);
  const variants = [
    { name: "90 whole UTC days", from: day(end.getTime() - 89 * 86_400_000), to: day(end.getTime()) },
    { name: "rolling 90 days (edge days from hourly)", from: new Date(end.getTime() - 90 * 86_400_000).toISOString(), to: end.toISOString() },
  ];
  /** CALLS sequential calls of one stats URL through the Worker, after 5 warm-up calls; the last answer. */
  const timeCalls = async (pathAndQuery: string) => {
    const call = async () => {
      const t0 = performance.now();
      const res = await fetch(`${base.origin}${pathAndQuery}`, { headers: { authorization: `Bearer ${key}` } });
      const body = await res.text();
      if (res.status !== 200) throw new Error(`stats answered ${res.status}: ${body}`);
      return { ms: performance.now() - t0, body: JSON.parse(body) };
    };
    for (let i = 0; i < 5; i++) await call();
    const times: number[] = [];
    let answer: any;
    for (let i = 0; i < CALLS; i++) {
      const r = await call();
      times.push(r.ms);
      answer = r.body;
    }
    return { times, answer };
  };
  /** Median time of a statement on a warm connection, over 20 runs. */
  const sqlMedian = async (client: pg.ClientBase, q: { sql: string; params: unknown[] }) => {
    const t: number[] = [];
    for (let i = 0; i < 20; i++) {
      const t0 = performance.now();
      await client.query(q.sql, q.params);
      t.push(performance.now() - t0);
    }
    return pct(t, 50);
  };
  let hotP95 = NaN;
  let allPlan = "";
  const raw = await pool.connect();
  await raw.query("set timezone = 'UTC'");
  const results: string[] = [];
  const benchRows: BenchRow[] = [];
  let plan = "";
  for (const v of variants) {
    const qs = new URLSearchParams({ from: v.from, to: v.to, interval: "day", tz: "UTC", limit: "10" });
    const { times, answer } = await timeCalls(`/api/v1/links/${HOT_SLUG}/stats?${qs}`);
    if (v === variants[0]) hotP95 = pct(times, 95);

    await rawStats(raw, HOT_ID, answer.from, answer.to, 10); // warm the cache, as the Worker's calls were
    const rawTimes: number[] = [];
    let rawAnswer: Awaited<ReturnType<typeof rawStats>> | undefined;
    for (let i = 0; i < RAW_CALLS; i++) {
      const t0 = performance.now();
      rawAnswer = await rawStats(raw, HOT_ID, answer.from, answer.to, 10);
      rawTimes.push(performance.now() - t0);
    }
    // Where the Worker's time goes: the same statement from Node on a warm connection, and on a fresh one
    // (each Worker request opens its own, so Postgres starts a new backend with cold caches).
    const range = resolveRange({ from: v.from, to: v.to, interval: "day", tz: "UTC" }, end.getTime());
    if ("errors" in range) throw new Error(JSON.stringify(range.errors));
    const q = new PgDialect().sqlToQuery(statsQuery({ slug: HOT_SLUG, range, bots: "exclude", limit: 10, dims: DIMENSION_FIELDS.map(([d]) => d) }));
    const warm: number[] = [];
    const fresh: number[] = [];
    for (let i = 0; i < 20; i++) {
      let t0 = performance.now();
      await raw.query(q.sql, q.params);
      warm.push(performance.now() - t0);
      t0 = performance.now();
      const c = new pg.Client({ connectionString: stack.databaseUrl });
      await c.connect();
      await c.query(q.sql, q.params);
      fresh.push(performance.now() - t0);
      await c.end();
    }

    const diffs = compareWithRaw(answer, rawAnswer!);
    for (const d of diffs.slice(0, 5)) log(`  MISMATCH ${v.name}: ${d}`);
    const [p50, p95, r50, r95] = [pct(times, 50), pct(times, 95), pct(rawTimes, 50), pct(rawTimes, 95)];
    results.push(
      `| ${v.name} | ${answer.totals.clicks.toLocaleString()} | ${ms(p50)} | ${ms(p95)} | ${ms(pct(warm, 50))} | ${ms(pct(fresh, 50))} | ${ms(r50)} | ${ms(r95)} | ${(r50 / p50).toFixed(0)}× | ${(r95 / p95).toFixed(0)}× | ${diffs.length ? `NO (${diffs.length})` : "yes"} |`,
    );
    // Issue 5's goals: p95 under 50 ms, at least 20 times faster than raw, and the same answer.
    const mark = (ok: boolean) => (ok ? "✔" : "✘");
    benchRows.push({
      bench: "analytics",
      case: `stats of the hot link, ${v.name}, by day, all dimensions (${fmt(answer.totals.clicks)} of ${fmt(TOTAL)} clicks)`,
      value: `p50 ${ms(p50)} ms, p95 ${ms(p95)} ms (${CALLS} calls through the Worker)`,
      baseline: `from raw clicks: p50 ${ms(r50)} ms, p95 ${ms(r95)} ms`,
      ratio: `${fmt(r50 / p50)}× p50, ${fmt(r95 / p95)}× p95 faster`,
      goal: `p95 < 50 ms ${mark(p95 < 50)}, ≥ 20× ${mark(r95 / p95 >= 20)}, same answer ${mark(!diffs.length)}`,
    });
    if (diffs.length) process.exitCode = 1; // a wrong answer is a failure, whatever the speed

    // The plan of exactly the statement the Worker ran.
    const { rows } = await raw.query(`explain (analyze, buffers, costs off) ${q.sql}`, q.params);
    plan = rows.map((r) => r["QUERY PLAN"]).join("\n");
  }

  // All links over the 90 whole days: the top links of 10,000 active links, from the link_totals blocks'
  // leaders (db/queries/top-links.ts). Baselines in the same run: every link's blocks summed and ranked (what
  // the statement did before the leaders), and the hot link's call above (the goal: as fast as one link's).
  {
    const v = variants[0];
    const qs = new URLSearchParams({ from: v.from, to: v.to, interval: "day", tz: "UTC", limit: "10" });
    const { times, answer } = await timeCalls(`/api/v1/stats?${qs}`);
    const range = resolveRange({ from: v.from, to: v.to, interval: "day", tz: "UTC" }, end.getTime());
    if ("errors" in range) throw new Error(JSON.stringify(range.errors));
    const opts: StatsRequest = { slug: null, range, bots: "exclude", limit: 10, dims: [...DIMENSION_FIELDS.map(([d]) => d), "link"] };
    const q = new PgDialect().sqlToQuery(statsQuery(opts));
    const spans = dimensionSpans(range.from, range.to);
    const blocks = linkTotalBlocks(spans.days![0], spans.days![1]);
    const literal = (xs: (number | string)[]) => `{${xs.join(",")}}`;
    const everyLink = {
      sql: `select t.link_id, sum(t.humans) as n
            from unnest($1::smallint[], $2::date[]) as b(days, start)
            cross join lateral (select link_id, humans from link_totals where days = b.days and start = b.start offset 0) t
            group by t.link_id order by n desc, t.link_id collate "C" limit 10`,
      params: [literal(blocks.days), literal(blocks.start)],
    };
    const [newSql, everySql] = [await sqlMedian(raw, q), await sqlMedian(raw, everyLink)];
    const { rows: [{ top_links_pruned: pruned }] } = await raw.query(q.sql, q.params);
    const { rows: rowsRead } = await raw.query(
      "select count(*) as n from unnest($1::smallint[], $2::date[]) b(days, start) join link_totals t using (days, start)",
      everyLink.params,
    );
    const { rows: rawTop } = await raw.query(
      `select link_id, count(*) filter (where kind = 'human')::int as n from clicks where ts >= $1 and ts < $2
       group by 1 order by n desc, link_id collate "C" limit 10`,
      [answer.from, answer.to],
    );
    const got = (answer.topLinks as { linkId: string; clicks: number }[]).map((l) => `${l.linkId}:${l.clicks}`).join(" ");
    const want = rawTop.map((r) => `${r.link_id}:${r.n}`).join(" ");
    const same = got === want;
    if (!same) log(`  MISMATCH all links: Worker ${got}; raw ${want}`);
    const [p50, p95] = [pct(times, 50), pct(times, 95)];
    const mark = (ok: boolean) => (ok ? "✔" : "✘");
    log(`
All links, 90 whole days: p50 ${ms(p50)} ms, p95 ${ms(p95)} ms; its SQL ${ms(newSql)} ms warm (${pruned ? "from the blocks' leaders" : "every link summed"}); every link's ${fmt(Number(rowsRead[0].n))} block rows summed: ${ms(everySql)} ms.`);
    benchRows.push({
      bench: "analytics",
      case: `stats of all links, ${v.name}, top links of ${fmt(SEED_LINKS)} links (${fmt(answer.totals.clicks)} of ${fmt(TOTAL)} clicks)`,
      value: `p50 ${ms(p50)} ms, p95 ${ms(p95)} ms (${CALLS} calls through the Worker); its SQL ${ms(newSql)} ms, top links ${pruned ? "from the leaders of" : "summed over every link in"} ${blocks.days.length} link_totals blocks`,
      baseline: `the top links alone, every link's ${fmt(Number(rowsRead[0].n))} block rows summed: ${ms(everySql)} ms; the hot link's call: p95 ${ms(hotP95)} ms`,
      ratio: `whole statement ${fmt(everySql / newSql)}× faster than the top links alone by summing every link; p95 ${fmt(p95 / hotP95)}× the hot link's`,
      goal: `p95 < 50 ms ${mark(p95 < 50)}, same top links as raw ${mark(same)}`,
    });
    if (!same) process.exitCode = 1;
    const { rows: planRows } = await raw.query(`explain (analyze, buffers, costs off) ${q.sql}`, q.params);
    allPlan = planRows.map((r) => r["QUERY PLAN"]).join("\n");
  }
  raw.release();
  await pool.end();

  log(`\n${CALLS} Worker calls per row (after 5 warm-up calls), ${RAW_CALLS} raw calls, 20 of the stats SQL alone; times in ms,`);
  log(`client-side, sequential; ratios raw / Worker. Load average during the run: ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}.\n`);
  log("| call (hot link, by day, all dimensions) | clicks counted | p50 | p95 | its SQL, warm conn. p50 | its SQL, new conn. p50 | raw p50 | raw p95 | ×p50 | ×p95 | same answer |");
  log("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
  for (const r of results) log(r);
  log("\nPlan of the stats statement (rolling variant), EXPLAIN (ANALYZE, BUFFERS):\n");
  log(plan.split("\n").map((l) => `    ${l}`).join("\n"));
  log("\nPlan of the all-links statement, EXPLAIN (ANALYZE, BUFFERS):\n");
  log(allPlan.split("\n").map((l) => `    ${l}`).join("\n"));
  emit(benchRows);
} finally {
  await cleanup();
}
