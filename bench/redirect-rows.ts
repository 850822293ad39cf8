/**
 * The rows the redirect benchmark (bench/redirect.ts) makes of one measured case: ours beside the bare Worker
 * (and beside the floors, or the hot link, when the case measured them) as medians with the spread of the
 * rounds, and the hot link's capture cost under load. Apart from the entry file so that it keeps the setup
 * and the loop, and this the wording of the table.
 */
import { addCosts, costText, per1000 } from "./capture-cost.ts";
import { fmt, median, type BenchRow } from "./lib/report.ts";
import type { Case, Run, Who } from "./redirect-measure.ts";

const spread = (xs: number[], digits: number) =>
  xs.length > 1 ? ` (${fmt(Math.min(...xs), digits)}–${fmt(Math.max(...xs), digits)})` : "";
const summary = (rs: Run[]) => {
  const bridge = median(rs.map((r) => r.bridgeUs));
  return `${fmt(median(rs.map((r) => r.rps)))} req/s, p50 ${fmt(median(rs.map((r) => r.p50ms)), 2)} ms, ` +
    `p99 ${fmt(median(rs.map((r) => r.p99ms)), 1)} ms; CPU/req: workerd ${fmt(median(rs.map((r) => r.cpuUs)))} µs` +
    (bridge >= 5 ? `, bridge ${fmt(bridge)} µs` : "");
};
const ratios = (a: Run[], b: Run[]) => ({
  rps: a.map((o, i) => o.rps / b[i].rps),
  p99: a.map((o, i) => o.p99ms / b[i].p99ms),
});

/** The case's rows, and its capture-cost rows (the table shows those after every case's own rows). */
export function caseRows(k: Case, m: Record<Who, Run[]>): { rows: BenchRow[]; costRows: BenchRow[] } {
  const rows: BenchRow[] = [];
  const costRows: BenchRow[] = [];
  const vsBare = ratios(m.ours, m.bare);
  let ratio = `${fmt(median(vsBare.rps), 2)}×${spread(vsBare.rps, 2)} req/s, ${fmt(median(vsBare.p99), 1)}×${spread(vsBare.p99, 1)} p99`;
  if (k.floor) {
    const floorVsBare = ratios(m.floor, m.bare);
    rows.push({
      bench: "redirect",
      case: "floor: the bare Worker + one click pipeline (raw fetch) per request",
      value: summary(m.floor),
      baseline: summary(m.bare),
      ratio: `${fmt(median(floorVsBare.rps), 2)}×${spread(floorVsBare.rps, 2)} req/s, ${fmt(median(floorVsBare.p99), 1)}× p99`,
      goal: "(reference: the most a redirect that records its click can do here)",
    });
    const batchedVsBare = ratios(m.batched, m.bare);
    rows.push({
      bench: "redirect",
      case: "batched floor: the bare Worker + one click pipeline per batch (5 ms linger)",
      value: summary(m.batched),
      baseline: summary(m.bare),
      ratio: `${fmt(median(batchedVsBare.rps), 2)}×${spread(batchedVsBare.rps, 2)} req/s, ${fmt(median(batchedVsBare.p99), 1)}× p99`,
      goal: "(reference: the most a redirect that batches its clicks can do here)",
    });
    const vsFloor = ratios(m.ours, m.floor);
    const vsBatched = ratios(m.ours, m.batched);
    ratio += `; ${fmt(median(vsFloor.rps), 2)}×${spread(vsFloor.rps, 2)} of the floor's req/s, ` +
      `${fmt(median(vsBatched.rps), 2)}×${spread(vsBatched.rps, 2)} of the batched floor's`;
    for (const [w, label] of [["ours", "ours"], ["floor", "floor (one pipeline per click)"], ["batched", "batched floor"]] as const) {
      const c = addCosts(m[w].map((r) => r.cost));
      costRows.push({
        bench: "redirect",
        case: `capture cost, hot link under load: ${label}`,
        value: costText(c),
        baseline: "",
        ratio: "",
        goal: w === "ours" ? `≤ 50 commands per 1,000 clicks ${per1000(c).commands <= 50 ? "✔" : "✘"}` : "",
      });
    }
  }
  if (k.versusHot) {
    // Measured in the same rounds as the hot link, on the same Worker: the ratio is routing's own cost.
    const vsHot = ratios(m.ours, m.hot);
    rows.push({
      bench: "redirect",
      case: k.name,
      value: summary(m.ours),
      baseline: `hot link: ${summary(m.hot)}`,
      ratio: `${fmt(median(vsHot.rps), 2)}×${spread(vsHot.rps, 2)} the hot link's req/s, ${fmt(median(vsHot.p99), 1)}× p99; ${ratio} vs bare`,
      goal: k.goal?.(median(vsHot.rps), median(vsHot.p99)) ?? "",
    });
    return { rows, costRows };
  }
  rows.push({
    bench: "redirect",
    case: k.name,
    value: summary(m.ours),
    baseline: summary(m.bare),
    ratio,
    goal: k.goal?.(median(vsBare.rps), median(vsBare.p99)) ?? "",
  });
  return { rows, costRows };
}
