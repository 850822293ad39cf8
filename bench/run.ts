/**
 * `npm run bench [-- --quick]`: runs every benchmark under bench/ one after another (never in parallel: they
 * share 2 cores) and prints one Markdown table of all their rows. `--quick` runs small versions; the test
 * suite runs that once so the benchmarks keep working.
 */
import { spawn } from "node:child_process";
import os from "node:os";
import { table, type BenchRow } from "./lib/report.ts";

const BENCHES = ["bench/redirect.ts"];
const args = process.argv.slice(2);
const rows: BenchRow[] = [];
let failed = 0;

for (const file of BENCHES) {
  console.error(`\n== ${file} ${args.join(" ")}`);
  const out = await new Promise<{ code: number; stdout: string }>((resolve) => {
    const child = spawn("npx", ["tsx", file, ...args], { stdio: ["ignore", "pipe", "inherit"] });
    let stdout = "";
    child.stdout.on("data", (d) => { stdout += d; process.stderr.write(d); });
    child.on("exit", (code) => resolve({ code: code ?? 1, stdout }));
  });
  const line = out.stdout.split("\n").find((l) => l.startsWith("BENCH_ROWS "));
  if (out.code !== 0 || !line) {
    failed++;
    console.error(`${file} failed (exit ${out.code})`);
    continue;
  }
  rows.push(...(JSON.parse(line.slice("BENCH_ROWS ".length)) as BenchRow[]));
}

console.log(`\nMachine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? "?"}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}${args.includes("--quick") ? " (quick run: small sizes, figures are not representative)" : ""}\n`);
console.log(table(rows));
process.exit(failed ? 1 : 0);
