/**
 * CPU profile of the Worker under redirect load: where workerd's JavaScript time goes. Serves an unminified
 * build on workerd with the V8 inspector on, loads one case with wrk, and prints the functions with the most
 * self time (and writes a .cpuprofile that Chrome DevTools opens).
 *   npm run bench:profile -- [hot|routed|redis|unknown] [--seconds 5] [--connections 8]
 * "routed" is the hot link with 10 rules and 2 variants of bench/redirect.ts (bench/lib/routed-link.ts).
 * Not part of `npm run bench`: profiling slows the Worker down, its figures are not benchmark figures.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import WebSocket from "ws";
import { onShutdown, startStack } from "../dev/stack.ts";
import { freePort } from "../dev/ports.ts";
import { buildBundle, serveBundle } from "./lib/worker.ts";
import { insertRoutedLink, ROUTED_RULES, ROUTED_VARIANTS } from "./lib/routed-link.ts";
import { wrk } from "./lib/wrk.ts";

const which = process.argv.find((a) => ["hot", "routed", "redis", "unknown"].includes(a)) ?? "hot";
const option = (name: string, def: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const SECONDS = option("--seconds", 5);
// Fewer connections than the benchmark by default: the profiler slows workerd down, and a deeper queue of
// waitUntil work would push clicks into the Redis timeout and the Postgres fallback, which is another profile.
const CONNECTIONS = option("--connections", 8);
const LINKS = 1000;

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  hitCount?: number;
  children?: number[];
}

const keyOf = ({ callFrame: f }: ProfileNode) =>
  `${f.functionName || "(anonymous)"} ${f.url ? `${path.basename(f.url)}:${f.lineNumber + 1}` : ""}`.trim();

const stack = await startStack({});
onShutdown(stack.stop); // Ctrl-C skips the finally below; the postmaster runs in a session of its own
const db = new pg.Client({ connectionString: stack.databaseUrl });
try {
  await db.connect();
  await db.query(
    `insert into links (id, slug, url) select 'bench' || i, 'b' || i, 'https://example.com/page/' || i
     from generate_series(1, $1::int) i`,
    [LINKS],
  );
  await db.query(insertRoutedLink("r1"), ["bench-routed", JSON.stringify(ROUTED_RULES), JSON.stringify(ROUTED_VARIANTS)]);
  const bundle = buildBundle("wrangler.toml", { minify: false });
  const inspectorPort = await freePort();
  // Lookup budget off: the warm-up visits every link once from one address (see bench/redirect.ts).
  const bindings: Record<string, string> = { ...stack.bindings, ADMIN_API_KEY: "bench-admin-key-0123456789abcdef", POSTGRES_LOOKUPS_PER_MINUTE: "0" };
  if (which === "redis") bindings.LINK_CACHE_SECONDS = "0";
  const served = await serveBundle(bundle, bindings, { inspectorPort });
  try {
    const paths =
      which === "redis" ? Array.from({ length: LINKS }, (_, i) => `/b${i + 1}`)
      : which === "unknown" ? Array.from({ length: 1000 }, (_, i) => `/nope${i}`)
      : undefined;
    const one = which === "routed" ? "/r1" : "/b1";
    const url = paths ? served.url : served.url + one;
    // Visit every path once first, as bench/redirect.ts does: the profile is of the cached paths, not of first
    // misses that go to Postgres.
    for (const p of paths ?? [one]) await (await fetch(served.url + p, { redirect: "manual" })).arrayBuffer();
    await wrk(url, { seconds: 1, paths, connections: CONNECTIONS }); // warm-up

    const targets = (await (await fetch(`http://127.0.0.1:${inspectorPort}/json/list`)).json()) as { webSocketDebuggerUrl: string }[];
    const ws = new WebSocket(targets[0].webSocketDebuggerUrl.replace("localhost", "127.0.0.1"));
    await new Promise((r, j) => { ws.once("open", r); ws.once("error", j); });
    let next = 1;
    const pending = new Map<number, (v: unknown) => void>();
    ws.on("message", (d) => {
      const m = JSON.parse(String(d)) as { id?: number; result?: unknown };
      if (m.id && pending.has(m.id)) { pending.get(m.id)!(m.result); pending.delete(m.id); }
    });
    const send = (method: string, params = {}) =>
      new Promise<unknown>((r) => { const id = next++; pending.set(id, r); ws.send(JSON.stringify({ id, method, params })); });
    await send("Profiler.enable");
    await send("Profiler.setSamplingInterval", { interval: 100 });
    await send("Profiler.start");
    const result = await wrk(url, { seconds: SECONDS, paths, connections: CONNECTIONS });
    const { profile } = (await send("Profiler.stop")) as { profile: { nodes: ProfileNode[]; startTime: number; endTime: number } };
    ws.close();

    const file = path.join(os.tmpdir(), `eatmyurl-${which}-${Date.now()}.cpuprofile`);
    fs.writeFileSync(file, JSON.stringify(profile));
    const self = new Map<string, number>();
    let total = 0;
    for (const n of profile.nodes) {
      const hits = n.hitCount ?? 0;
      total += hits;
      const key = keyOf(n);
      self.set(key, (self.get(key) ?? 0) + hits);
    }
    console.log(`${which}: ${Math.round(result.rps)} req/s under the profiler; ${total} samples; profile in ${file}`);
    for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 40)) {
      console.log(`${((100 * v) / total).toFixed(1).padStart(5)}%  ${k}`);
    }
    // Inclusive time: a function's own samples plus its callees', each sample counted once per function
    // (recursion does not count it twice), which shows what a whole step of the request costs.
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const parent = new Map<number, number>();
    for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
    const inclusive = new Map<string, number>();
    for (const n of profile.nodes) {
      if (!n.hitCount) continue;
      const seen = new Set<string>();
      for (let id: number | undefined = n.id; id !== undefined; id = parent.get(id)) {
        const k = keyOf(byId.get(id)!);
        if (!seen.has(k)) { seen.add(k); inclusive.set(k, (inclusive.get(k) ?? 0) + n.hitCount); }
      }
    }
    console.log("\ninclusive (self + callees):");
    for (const [k, v] of [...inclusive].filter(([k]) => /worker|index|\.js:/.test(k) && !k.startsWith("(")).sort((a, b) => b[1] - a[1]).slice(0, 30)) {
      console.log(`${((100 * v) / total).toFixed(1).padStart(5)}%  ${k}`);
    }
  } finally {
    await served.dispose();
  }
} finally {
  await db.end().catch(() => {});
  await stack.stop();
}
