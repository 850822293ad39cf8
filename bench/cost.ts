/**
 * `npm run bench:cost [-- --quick]` (issue 26): what the service costs to run, counted as the platforms bill.
 * The deployable bundle runs on workerd against the throwaway stack (in this process, so the counters of the
 * Upstash bridge and the Neon proxy are read directly), and prints one Markdown table per section:
 *   idle       per cron run with nothing to do: Upstash commands, Postgres sessions, and whether Neon could
 *              ever suspend (bench/cost-idle.ts)
 *   capture    Upstash commands and requests per click, at a trickle and under load (bench/cost-capture.ts)
 *   CPU        CPU time and subrequests per invocation beside the Workers plan limits (bench/cost-cpu.ts,
 *              the invocations in bench/cost-invocations.ts)
 *   bytes      Postgres bytes per 1 M clicks, and how long Neon Free's 0.5 GB lasts (bench/cost-bytes.ts)
 *   bill       the monthly bill at 0 to 100 M clicks for each plan combination (bench/cost-bill.ts,
 *              bench/lib/bill.ts)
 * `--quick` (part of `npm test` through bench/run.ts): small sizes; it checks only that the counters saw what
 * the benchmark sent, never a figure. Ends with the BENCH_ROWS line that bench/run.ts gathers.
 */
import os from "node:os";
import { onShutdown } from "../dev/stack.ts";
import { bytesTable, storageBytes } from "./cost-bytes.ts";
import { billTables, cheapest, inputsText, measuredInputs, usageTable } from "./cost-bill.ts";
import { captureTable, trickleClicks, underLoad } from "./cost-capture.ts";
import { cpuTable, idleRate, measureKind, type KindResult } from "./cost-cpu.ts";
import { idleHour, idleTable } from "./cost-idle.ts";
import { invocationKinds } from "./cost-invocations.ts";
import { startRig, type Rig } from "./cost-rig.ts";
import { captureOnly, type Usage } from "./lib/meter.ts";
import { emit, fmt, quick, type BenchRow } from "./lib/report.ts";

// The click sample's spread (bench/clicks.ts reads these when first imported): 1,000 links, and 72 hours,
// which is how long 1 M clicks a month takes to make 100,000 clicks.
process.env.LINKS ??= "1000";
process.env.SPAN_HOURS ??= "72";

const SIZES = quick
  ? { idleRuns: 5, trickle: 6, spacing: 50, loadSeconds: 1, n: 3, backlog: 1000, backlogRuns: 1, bytes: 5000, imports: false }
  : { idleRuns: 60, trickle: 45, spacing: 250, loadSeconds: 3, n: 30, backlog: 10_000, backlogRuns: 3, bytes: 100_000, imports: true };
const log = (l: string) => console.error(l);
const CPU_NOTE = "CPU here is the workerd process's CPU time from the request (or the scheduled event) until its waitUntil " +
  "work ended, one invocation at a time. Cloudflare bills only the isolate executing JavaScript (network waits excluded), " +
  "so this is an upper bound: the process also parses HTTP and drives sockets (the bare Hono row is that share of a " +
  "request), and this machine's core is not Cloudflare's. Hence the margin: a row is within Free only at ≤ 5 ms here, " +
  "half of the 10 ms limit. A WebSocket to Neon is counted as a subrequest (no Cloudflare page says either way).";
const started = Date.now();
const loadBefore = os.loadavg().map((l) => l.toFixed(1)).join(" ");
let rig: Rig | undefined;
onShutdown(async () => { await rig?.dispose(); });

/** An invariant of the counters: what the benchmark sent must have been seen (the quick run checks these). */
const invariants: string[] = [];
const check = (ok: boolean, what: string) => { if (!ok) invariants.push(what); };

try {
  rig = await startRig({ isolates: 3, postgresOnly: SIZES.n + 1, bare: !quick, log });
  const sections: string[] = [];

  log("== idle: an hour of cron runs");
  const idle = await idleHour(rig, SIZES.idleRuns, !quick);
  check(idle.runs.every((u) => u.billed > 0 && u.requests > 0), "every idle cron run was seen by the Upstash counters");
  sections.push(`### Idle\n\n${idleTable(idle)}`);

  log("== capture: a trickle, then load");
  const t = await trickleClicks(rig, SIZES.trickle, SIZES.spacing);
  const load = await underLoad(rig, SIZES.loadSeconds);
  // Each trickled click is a batch of its own: one XADD each, as the bridge must have seen.
  check((t.usage.byCommand["XADD clicks:stream"] ?? 0) === t.clicks, "the bridge saw one XADD per trickled click");
  check(t.usage.billed >= t.usage.requests && load.usage.billed > 0, "commandstats billed at least one command per request");
  sections.push(`### Capture\n\n${captureTable([t, load])}`);

  log("== CPU and subrequests per invocation");
  const rate = await idleRate(rig.main, quick ? 300 : 2000);
  const kinds: KindResult[] = [];
  for (const k of invocationKinds(rig, SIZES)) {
    log(`  ${k.name}`);
    kinds.push(await measureKind(rig, k, rate));
  }
  check(kinds.every((k) => k.usage.length > 0 && k.cpuMs.every((c) => Number.isFinite(c))), "every invocation kind was measured");
  const bare = kinds.find((k) => k.kind.name.startsWith("floor: a bare Hono"));
  const floor = bare ? [...bare.cpuMs].sort((a, b) => a - b)[Math.floor(bare.cpuMs.length / 2)] : undefined;
  const pgCold = kinds.find((k) => k.kind.name.includes("from Postgres"));
  check(pgCold?.usage.every((u) => u.sessions >= 1) ?? false, "the proxy saw a session for every redirect that read Postgres");
  sections.push(`### CPU and subrequests per invocation\n\n${CPU_NOTE} workerd used ${fmt(rate / 1000, 3)} µs of CPU per ms ` +
    `idle, subtracted.\n\n${cpuTable(kinds, floor)}`);

  log("== Postgres bytes");
  const bytes = await storageBytes(rig, SIZES.bytes);
  check(bytes.raw > 0 && bytes.rollups > 0, "the sample made the raw and rollup tables grow");
  sections.push(`### Postgres bytes\n\n${bytesTable(bytes, 90)}`);

  const m = measuredInputs({ trickle: t, idle, kinds, bytes, backlog: SIZES.backlog });
  sections.push(`### Monthly bill\n\n${inputsText(m)}\n\n${usageTable(m)}\n\n${billTables(m)}`);

  const cpu = os.cpus();
  console.log(`\n## Cost (npm run bench:cost${quick ? " -- --quick: small sizes, figures not representative" : ""}; ` +
    `${new Date().toISOString().slice(0, 10)}; ${Math.round((Date.now() - started) / 1000)} s)\n\n` +
    `Machine: ${cpu.length} × ${cpu[0]?.model ?? "?"}, Node ${process.version}; load average at the start ${loadBefore}, ` +
    `at the end ${os.loadavg().map((l) => l.toFixed(1)).join(" ")} (other work on the machine inflates CPU figures).\n\n` +
    `${sections.join("\n\n")}\n`);

  const capture = (r: { usage: Usage; clicks: number }) => {
    const c = captureOnly(r.usage);
    return { commands: c.commands / r.clicks, requests: c.requests / r.clicks };
  };
  const [ct, cl] = [capture(t), capture(load)];
  const ok = (b: boolean) => (b ? "✔" : "✘");
  const rows: BenchRow[] = [
    { bench: "cost", case: "idle cron run: Upstash commands, Postgres sessions (median)", value: `${fmt(idle.commands)} commands, ${fmt(idle.sessions)} sessions`, baseline: "", ratio: "", goal: `≤ 1 command, 0 sessions ${ok(idle.commands <= 1 && idle.sessions === 0)}` },
    { bench: "cost", case: "longest gap between Postgres sessions, idle hour", value: idle.opened ? `${idle.longestGapMin} min` : "no session", baseline: "", ratio: "", goal: `≥ 5 min lets Neon sleep ${idle.longestGapMin >= 5 ? "✔" : "✘"}` },
    { bench: "cost", case: "capture at a trickle (link lookups apart)", value: `${fmt(ct.commands, 2)} commands, ${fmt(ct.requests, 3)} HTTP requests a click`, baseline: "", ratio: "", goal: `≤ 1.2 commands, ≤ 1 request ${ok(ct.commands <= 1.2 && ct.requests <= 1)}` },
    { bench: "cost", case: "capture under load (link lookups apart)", value: `${fmt(cl.commands * 1000, 1)} commands, ${fmt(cl.requests * 1000, 1)} HTTP requests per 1,000 clicks`, baseline: "", ratio: "", goal: `< 15 commands per 1,000 ${ok(cl.commands * 1000 < 15)}` },
    ...kinds.map((k): BenchRow => ({
      bench: "cost", case: `CPU here: ${k.kind.name}`, value: `${fmt(k.cpuMs.sort((a, b) => a - b)[Math.floor(k.cpuMs.length / 2)], 2)} ms`, baseline: "", ratio: "", goal: "",
    })),
    { bench: "cost", case: "Postgres bytes per 1 M clicks: raw / rollups after the fold", value: `${fmt(bytes.raw / 1e6)} MB / ${fmt(bytes.rollupsAfterFold / 1e6)} MB`, baseline: "", ratio: "", goal: "" },
    ...cheapest(m).map((c): BenchRow => ({
      bench: "cost", case: `cheapest bill at ${fmt(c.clicks)} clicks a month (default INGEST_DELAY_SECONDS)`, value: Number.isFinite(c.total) ? `$${fmt(c.total, 2)}: ${c.plans}` : "no combination carries it", baseline: "", ratio: "", goal: "",
    })),
  ];
  if (invariants.length) {
    console.error(`counter invariants broken:\n- ${invariants.join("\n- ")}`);
    process.exitCode = 1;
  }
  emit(rows);
} catch (e) {
  console.error(e);
  process.exitCode = 1;
} finally {
  await rig?.dispose();
}
