/**
 * The idle rows of the cost benchmark: an hour of cron runs with nothing to do, simulated by firing the
 * scheduled handler RUNS times in a row (each as soon as the last is done), each run counted on its own.
 * Neon suspends a compute after 5 minutes without a session, so the question is whether any run opens one:
 * the longest gap between runs that opened a Postgres session, in simulated minutes, decides whether Neon
 * can ever sleep. Cross-checked, in a full run, with pg_stat_database's transaction count.
 */
import type { Usage } from "./lib/meter.ts";
import { fmt, median } from "./lib/report.ts";
import { sleep, type Rig } from "./cost-rig.ts";

export interface IdleResult {
  runs: Usage[];
  /** Median Upstash commands, requests, Postgres sessions and session seconds of one idle run. */
  commands: number;
  requests: number;
  sessions: number;
  sessionSeconds: number;
  /** Runs that opened at least one Postgres session. */
  opened: number;
  /** Longest stretch, in simulated minutes, without a Postgres session. */
  longestGapMin: number;
  crossCheck: string;
}

/** Transactions Postgres has counted in this database, once every backend has reported (stats come late). */
async function xacts(rig: Rig): Promise<number> {
  // An idle backend reports its counts within 10 s (PostgreSQL 15's PGSTAT_IDLE_INTERVAL).
  await sleep(11_000);
  const { rows } = await rig.db.query(
    "select (xact_commit + xact_rollback)::bigint as n from pg_stat_database where datname = current_database()",
  );
  return Number(rows[0].n);
}

export async function idleHour(rig: Rig, runs: number, crossCheck: boolean): Promise<IdleResult> {
  const x0 = crossCheck ? await xacts(rig) : 0;
  const usages: Usage[] = [];
  for (let i = 0; i < runs; i++) {
    const before = await rig.meter.snapshot();
    const outcome = await rig.main.scheduled();
    if (outcome !== "ok") throw new Error(`idle cron run ${i + 1} ended ${outcome}:\n${rig.main.log().slice(-20).join("\n")}`);
    await rig.settle(rig.main);
    usages.push(await rig.meter.since(before));
  }
  let note = "not run (--quick)";
  if (crossCheck) {
    // This check's own two reads are transactions too; each session the pool took back was reset (DISCARD ALL).
    const n = (await xacts(rig)) - x0 - 1;
    const proxy = usages.reduce((a, u) => a + u.transactions, 0);
    const resets = usages.reduce((a, u) => a + u.sessions, 0);
    note = `pg_stat_database counted ${fmt(n)} transactions over the ${runs} runs; the proxy saw ${fmt(proxy)} end in the ` +
      `sessions, plus ${fmt(resets)} DISCARD ALL of the local pool's resets (one per session) = ${fmt(proxy + resets)}`;
  }
  // Gaps between runs that opened a session, the hour's ends included: run i happens at minute i.
  const opening = usages.map((u, i) => (u.sessions > 0 ? i : -1)).filter((i) => i >= 0);
  const marks = [-1, ...opening, runs];
  let gap = 0;
  for (let i = 1; i < marks.length; i++) gap = Math.max(gap, marks[i] - marks[i - 1]);
  return {
    runs: usages,
    commands: median(usages.map((u) => u.billed)),
    requests: median(usages.map((u) => u.requests)),
    sessions: median(usages.map((u) => u.sessions)),
    sessionSeconds: median(usages.map((u) => u.sessionMs / 1000)),
    opened: opening.length,
    longestGapMin: opening.length ? gap : runs,
    crossCheck: note,
  };
}

/** The idle table. */
export function idleTable(r: IdleResult): string {
  const n = r.runs.length;
  const col = (f: (u: Usage) => number, digits = 0) => {
    const xs = r.runs.map(f);
    return `${fmt(median(xs), digits)} | ${fmt(xs[0], digits)} | ${fmt(Math.max(...xs), digits)}`;
  };
  const names = r.runs.reduce((a, u) => merge(a, u.byCommand), {} as Record<string, number>);
  const top = Object.entries(names).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${fmt(v / n, 1)}`).join(", ");
  const sleeps = r.longestGapMin >= 5;
  return [
    `| idle cron run (${n} runs in a row = ${n} simulated minutes) | median | first run | max |`,
    "| --- | ---: | ---: | ---: |",
    `| Upstash commands (as billed) | ${col((u) => u.billed)} |`,
    `| Upstash HTTP requests | ${col((u) => u.requests)} |`,
    `| Postgres sessions (client WebSockets) | ${col((u) => u.sessions)} |`,
    `| Postgres statements | ${col((u) => u.statements)} |`,
    `| Postgres transactions | ${col((u) => u.transactions)} |`,
    `| seconds a Postgres session was open | ${col((u) => u.sessionMs / 1000, 3)} |`,
    "",
    `Commands per run by name and key class (mean): ${top}.`,
    `Runs that opened a Postgres session: ${r.opened} of ${n}. Longest gap between Postgres sessions: ${r.opened ? `${r.longestGapMin} min` : `none in ${n} min`} ` +
      `(Neon suspends after 5 idle minutes: ${sleeps ? "it could sleep" : "it never sleeps while the cron runs"}).`,
    `Cross-check: ${r.crossCheck}.`,
  ].join("\n");
}

function merge(a: Record<string, number>, b: Record<string, number>): Record<string, number> {
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = (out[k] ?? 0) + v;
  return out;
}
