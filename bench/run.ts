/**
 * `npm run bench [-- --quick]`: runs every benchmark under bench/ (BENCHES) one after another (never in
 * parallel: they share 2 cores) and prints one Markdown table of all their rows. `--quick` runs small
 * versions; the test suite runs that once so the benchmarks keep working. Exits non-zero when a benchmark
 * failed to run or found a wrong result (a speed goal missed is shown in the table, not an exit code).
 */
import { spawn } from "node:child_process";
import os from "node:os";
import { table, type BenchRow } from "./lib/report.ts";

/** Every benchmark; each ends with a BENCH_ROWS line (bench/lib/report.ts emit()). */
const BENCHES = ["bench/redirect.ts", "bench/ingest.ts", "bench/analytics.ts", "bench/cost.ts"];

const args = process.argv.slice(2);
const rows: BenchRow[] = [];
const failed: string[] = [];
const started = Date.now();

for (const file of BENCHES) {
  console.error(`\n== ${file} ${args.join(" ")}`);
  const out = await new Promise<{ code: number; stdout: string }>((resolve) => {
    // node --import tsx rather than npx tsx: no npm start-up per benchmark.
    const child = spawn(process.execPath, ["--import", "tsx", file, ...args], { stdio: ["ignore", "pipe", "inherit"] });
    let stdout = "";
    child.stdout.on("data", (d) => { stdout += d; process.stderr.write(d); });
    child.on("exit", (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), stdout }));
  });
  const line = out.stdout.split("\n").find((l) => l.startsWith("BENCH_ROWS "));
  if (line) rows.push(...(JSON.parse(line.slice("BENCH_ROWS ".length)) as BenchRow[]));
  if (out.code !== 0 || !line) {
    failed.push(file);
    console.error(`${file} failed (exit ${out.code}${line ? "" : ", no BENCH_ROWS line"})`);
  }
}

const cpu = os.cpus();
console.log(
  `\nMachine: ${cpu.length} × ${cpu[0]?.model ?? "?"}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}; ` +
    `load average before the run's end ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}; ${Math.round((Date.now() - started) / 1000)} s` +
    `${args.includes("--quick") ? " (quick run: small sizes, figures are not representative)" : ""}\n`,
);
console.log(table(rows));
if (failed.length) console.log(`\nfailed: ${failed.join(", ")}`);
process.exit(failed.length ? 1 : 0);
