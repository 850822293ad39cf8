/**
 * What the chaos benchmark (bench/chaos.ts) reports once the load has stopped and the clicks are drained:
 * each phase's redirects and latencies, served clicks against rows in `clicks`, the 5xx answers, and the
 * faults and ingest runs of the load; and whether the run failed. Apart from the entry file, which keeps the
 * load, the faults and the drain, so that the judgement of a run reads in one place.
 */
import { fmt, type BenchRow } from "./lib/report.ts";

export type Phase = "normal" | "Redis down" | "Postgres down";
export interface ChaosTally {
  statuses: Map<number, number>;
  errors: number;
  latencies: number[];
  ms: number;
}
export const newTally = (): ChaosTally => ({ statuses: new Map(), errors: 0, latencies: [], ms: 0 });

/** What the run saw; `log` is the Worker's log (the clicks it sent to the Postgres inbox are counted from it). */
export interface ChaosOutcome {
  tallies: Record<Phase, ChaosTally>;
  log: string[];
  ingested: number;
  distinct: number;
  inboxLeft: number;
  drained: boolean;
  lastFlush: string;
  drainMs: number;
  flushes: Map<string, number>;
  faults: string[];
  kills: string[];
}

/** The rows of the run, the redirects served, and whether the run failed (served ≠ ingested, a 5xx, no answer). */
export function chaosReport(o: ChaosOutcome): { rows: BenchRow[]; servedClicks: number; failed: boolean } {
  const { tallies, ingested, distinct, inboxLeft, drained, lastFlush, drainMs, flushes, faults, kills } = o;
  const all = newTally();
  for (const t of Object.values(tallies)) {
    for (const [s, n] of t.statuses) all.statuses.set(s, (all.statuses.get(s) ?? 0) + n);
    all.errors += t.errors;
    all.ms += t.ms;
  }
  const count = (t: ChaosTally, f: (s: number) => boolean) => [...t.statuses].reduce((n, [s, k]) => n + (f(s) ? k : 0), 0);
  const is30x = (s: number) => s >= 300 && s < 400;
  const servedClicks = count(all, is30x);
  const fivexx = [...all.statuses].filter(([s]) => s >= 500).sort();
  const documented503 = 0; // one service down at a time, no maxClicks link: docs/routing.md says none
  const undocumented5xx = fivexx.reduce((n, [, k]) => n + k, 0) - documented503;
  const other = [...all.statuses].filter(([s]) => !is30x(s) && s < 500);
  const inboxed = o.log.reduce((k, l) => k + Number(/XADD of (\d+) click\(s\) failed/.exec(l)?.[1] ?? 0), 0);

  const p = (xs: number[], q: number) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0; };
  const phaseText = (t: ChaosTally) => `${fmt(count(t, is30x))} redirects in ${fmt(t.ms / 1000, 1)} s: ${fmt(count(t, is30x) / (t.ms / 1000))} req/s, ` +
    `p50 ${fmt(p(t.latencies, 0.5), 2)} ms, p99 ${fmt(p(t.latencies, 0.99), 1)} ms` +
    (t.statuses.size > 1 || t.errors ? `; statuses ${[...t.statuses].map(([s, n]) => `${s}×${fmt(n)}`).join(", ")}${t.errors ? `, ${t.errors} no answer` : ""}` : "");
  const normalRps = count(tallies.normal, is30x) / (tallies.normal.ms / 1000);
  const rows: BenchRow[] = [];
  for (const ph of ["normal", "Redis down", "Postgres down"] as Phase[]) {
    const t = tallies[ph];
    const rps = count(t, is30x) / (t.ms / 1000);
    rows.push({
      bench: "chaos",
      case: `hot link, ${ph === "normal" ? "both services up" : ph}`,
      value: phaseText(t),
      baseline: ph === "normal" ? "" : `both up: ${fmt(normalRps)} req/s`,
      ratio: ph === "normal" ? "" : `${fmt(rps / normalRps, 2)}× req/s`,
      goal: `every answer a 30x ${count(t, is30x) === [...t.statuses.values()].reduce((a, b) => a + b, 0) && !t.errors ? "✔" : "✘"}`,
    });
  }
  const exact = drained && ingested === servedClicks && distinct === ingested;
  rows.push({
    bench: "chaos",
    case: "clicks served (30x answered) → rows in clicks",
    value: `${fmt(ingested)} rows (${fmt(distinct)} distinct ids)`,
    baseline: `${fmt(servedClicks)} served${inboxed ? `, ${fmt(inboxed)} of them via the Postgres inbox` : ""}`,
    ratio: servedClicks ? `${fmt(ingested / servedClicks, 6)}×` : "",
    goal: `exactly equal ${exact ? "✔" : "✘"}${drained ? "" : ` (not drained: ${lastFlush})`}`,
  });
  rows.push({
    bench: "chaos",
    case: "5xx answers to redirects",
    value: fivexx.length ? fivexx.map(([s, n]) => `${s}×${fmt(n)}`).join(", ") : "none",
    baseline: `documented 503s expected: ${documented503}`,
    ratio: "",
    goal: `no undocumented 5xx ${undocumented5xx === 0 && all.errors === 0 ? "✔" : "✘"}` +
      (all.errors ? ` (${all.errors} requests without an answer)` : "") +
      (other.length ? `; other: ${other.map(([s, n]) => `${s}×${n}`).join(", ")}` : ""),
  });
  rows.push({
    bench: "chaos",
    case: "faults and ingest runs during the load",
    value: `${faults.join("; ")}; ${kills.join("; ")}`,
    baseline: `flush route during the load and drain: ${[...flushes].map(([s, n]) => `${s}×${n}`).join(", ")}`,
    ratio: "",
    goal: `drained in ${fmt(drainMs / 1000, 1)} s; stream and inbox empty ${drained && inboxLeft === 0 ? "✔" : "✘"}`,
  });
  const failed = !exact || undocumented5xx !== 0 || all.errors !== 0 || kills.some((k) => k.includes("no commit"));
  return { rows, servedClicks, failed };
}
