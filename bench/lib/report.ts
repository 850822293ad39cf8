/**
 * One row format for every benchmark, so `npm run bench` can print a single Markdown table. Each bench script
 * prints its own table and, last, a `BENCH_ROWS <json>` line that bench/run.ts collects.
 */
export interface BenchRow {
  bench: string;
  case: string;
  /** The measured figure, already formatted with its unit ("21,400 req/s", "p95 12.1 ms"). */
  value: string;
  /** The baseline measured in the same run, formatted, or "". */
  baseline: string;
  /** value / baseline (or baseline / value for times) as "0.82×", or "". */
  ratio: string;
  /** The goal and whether it was met: "≥ 0.7× ✔", or "". */
  goal: string;
}

export const fmt = (n: number, digits = 0) =>
  n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });

export function table(rows: BenchRow[]): string {
  const head = "| benchmark | case | figure | baseline (same run) | ratio | goal |\n| --- | --- | --- | --- | --- | --- |";
  return [head, ...rows.map((r) => `| ${r.bench} | ${r.case} | ${r.value} | ${r.baseline} | ${r.ratio} | ${r.goal} |`)].join("\n");
}

export function emit(rows: BenchRow[]): void {
  console.log(`\n${table(rows)}\n`);
  console.log(`BENCH_ROWS ${JSON.stringify(rows)}`);
}

export const quick = process.argv.includes("--quick");

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
