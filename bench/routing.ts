/**
 * `npm run bench:routing`: routing's CPU per visit (functions/redirect/routing/) in workerd, for the worst a
 * visitor can send to the most routed link the API accepts (50 rules of 10 conditions, every condition
 * evaluated): a query at Cloudflare's URL limit (16 KB) and headers at theirs. Reported as a ratio against an
 * ordinary campaign visit of the same link, measured in the same run, and in milliseconds against Workers
 * Free's 10 ms of CPU an invocation (PLAN=free). Cases: bench/routing.worker.ts. Settings: TIMES=1000 ROUNDS=9.
 * Seconds to run; nothing else is started (no Redis, no Postgres).
 */
import { build } from "esbuild";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Miniflare } from "miniflare";

const TIMES = Number(process.env.TIMES ?? 1000);
const ROUNDS = Number(process.env.ROUNDS ?? 9);
const FREE_CPU_MS = 10;

const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "eatmyurl-routing-"));
process.once("exit", () => fs.rmSync(outdir, { recursive: true, force: true }));
await build({
  entryPoints: [path.join(import.meta.dirname, "routing.worker.ts")], bundle: true, format: "esm", minify: true,
  platform: "neutral", conditions: ["workerd", "worker", "browser"], mainFields: ["browser", "module", "main"],
  outfile: path.join(outdir, "index.js"), logLevel: "error",
});
const mf = new Miniflare({
  modules: [{ type: "ESModule", path: path.join(outdir, "index.js") }], modulesRoot: outdir,
  compatibilityDate: "2026-04-20", host: "127.0.0.1", port: 0,
});
await mf.ready;

async function call(p: string): Promise<number> {
  const res = await mf.dispatchFetch(`http://w${p}`, { method: "POST" });
  const text = await res.text();
  if (!res.ok) throw new Error(`${p}: ${text}`);
  return Number(text);
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const f = (x: number) => x.toFixed(4);

/** Median ms of ROUNDS requests of TIMES each, after as many to warm the JIT. */
async function measure(p: string): Promise<{ median: number; max: number }> {
  for (let i = 0; i < 3; i++) await call(`${p}&times=${TIMES}`);
  const xs: number[] = [];
  for (let i = 0; i < ROUNDS; i++) xs.push(await call(`${p}&times=${TIMES}`));
  return { median: median(xs), max: Math.max(...xs) };
}

try {
  console.log(`ms a visit, median (max) of ${ROUNDS} requests of ${TIMES} visits, warm isolate; ratio to the short query of the same link`);
  let worst = 0;
  for (const link of ["query", "mixed"]) {
    const baseline = await measure(`/visit?link=${link}&visit=short`);
    console.log(`\n${link} link (50 rules x 10 conditions)\n  short              ${f(baseline.median)} (${f(baseline.max)})   1.00x`);
    for (const visit of ["long-distinct", "long-same-name", "long-one-value", "long-everything"]) {
      const m = await measure(`/visit?link=${link}&visit=${visit}`);
      worst = Math.max(worst, m.max);
      console.log(`  ${visit.padEnd(18)} ${f(m.median)} (${f(m.max)})   ${(m.median / baseline.median).toFixed(2)}x`);
    }
    const c = await measure(`/compile?link=${link}`);
    console.log(`  compile (once per cached entry) ${f(c.median)} (${f(c.max)})`);
  }
  console.log(`\nworst visit: ${f(worst)} ms, ${((worst / FREE_CPU_MS) * 100).toFixed(1)}% of Workers Free's ${FREE_CPU_MS} ms`);
} finally {
  await mf.dispose();
}
