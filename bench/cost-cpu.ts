/**
 * CPU time and subrequests per invocation, one invocation at a time so every count belongs to one.
 *
 * CPU: the workerd process's CPU time (every thread's, from the scheduler: nanoseconds, not 10 ms ticks) from
 * just before the invocation until its deferred work has ended, less what the same process uses idle over
 * the same wall time. That is an upper bound of what Cloudflare bills: it counts only the isolate executing
 * JavaScript (network waits excluded), while workerd's process time also holds the runtime's own HTTP
 * parsing, sockets and TLS-less relaying. And this machine's core is not Cloudflare's. Hence the margin: a
 * row is "within Free" only when it takes at most half of the 10 ms here.
 *
 * Subrequests: what the invocation sent out: HTTP requests to Upstash (each command or pipeline one fetch),
 * WebSockets to Neon (each a connection; budgeted as a subrequest, which no Cloudflare page confirms nor
 * denies), and requests to webhook receivers.
 */
import type { Usage } from "./lib/meter.ts";
import { fmt, median } from "./lib/report.ts";
import type { Served } from "./lib/worker.ts";
import { sleep, type Rig } from "./cost-rig.ts";

export interface Kind {
  name: string;
  worker: Served;
  /** Invocations measured, after `warmup` unmeasured ones (JIT, connections, the day's salt). */
  n: number;
  warmup?: number;
  /** Unmeasured work before invocation i (queue a backlog, make a click to deliver). */
  before?: (i: number) => Promise<void>;
  /** One invocation; throws when it was answered wrongly (a fast error must not pass for a cheap call). */
  invoke: (i: number) => Promise<void>;
  /** Longest wait for its deferred work. */
  settleMs?: number;
  /** CPU ms taken off each invocation: the cron trigger's own HTTP request, which Cloudflare's cron does not make. */
  subtractMs?: () => number;
  /** Told the median CPU ms once measured (the trigger's floor, for `subtractMs` of the cron rows). */
  measured?: (medianMs: number) => void;
  /** Also show the figures per unit of work (an import's chunks). */
  per?: { units: number; label: string };
}

export interface KindResult {
  kind: Kind;
  cpuMs: number[];
  usage: Usage[];
}

/** CPU nanoseconds per wall millisecond that a workerd uses doing nothing (timers, the runtime's own threads). */
export async function idleRate(w: Served, ms: number): Promise<number> {
  const c0 = w.cpuNs();
  const t0 = performance.now();
  await sleep(ms);
  return (w.cpuNs() - c0) / (performance.now() - t0);
}

export async function measureKind(rig: Rig, k: Kind, idleNsPerMs: number): Promise<KindResult> {
  const out: KindResult = { kind: k, cpuMs: [], usage: [] };
  for (let i = 0; i < (k.warmup ?? 1) + k.n; i++) {
    await k.before?.(i);
    await rig.settle(k.worker, k.settleMs);
    const u0 = await rig.meter.snapshot();
    const c0 = k.worker.cpuNs();
    const t0 = performance.now();
    await k.invoke(i);
    await rig.settle(k.worker, k.settleMs);
    const ns = k.worker.cpuNs() - c0 - idleNsPerMs * (performance.now() - t0);
    const usage = await rig.meter.since(u0);
    if (i < (k.warmup ?? 1)) continue;
    out.cpuMs.push(Math.max(0, ns / 1e6 - (k.subtractMs?.() ?? 0)));
    out.usage.push(usage);
  }
  k.measured?.(median(out.cpuMs));
  return out;
}

/** Cloudflare's limits per invocation (developers.cloudflare.com/workers/platform/limits/, read 2026-12-07). */
export const FREE_CPU_MS = 10;
export const FREE_SUBREQUESTS = 50;
export const PAID_SUBREQUESTS = 10_000;
/** The margin: within Free only at half of its CPU limit here (see the file's header). */
export const MARGIN = 0.5;

export function cpuVerdict(ms: number): string {
  if (ms <= FREE_CPU_MS * MARGIN) return "within Free ✔";
  if (ms <= FREE_CPU_MS) return "near Free's limit ⚠";
  return "over Free: needs Paid ✘";
}

const subrequests = (u: Usage) => u.requests + u.sessions + u.outbound;

/**
 * `floorMs`: the bare Hono request's median CPU in the same run, when measured: each row's ratio to it carries
 * across runs better than milliseconds do on a shared machine (CPU time swells with the neighbours' load).
 */
export function cpuTable(results: KindResult[], floorMs?: number): string {
  const lines = [
    "| invocation | n | CPU here ms, median (max) | × the bare request | vs Workers Free 10 ms (margin: ≤ 5 ms here) | subrequests, mean (max) | of which Upstash / Postgres / other | vs Free 50, Paid 10,000 | Upstash commands | Postgres statements |",
    "| --- | ---: | ---: | ---: | --- | ---: | ---: | --- | ---: | ---: |",
  ];
  const times = (ms: number) => (floorMs ? `${fmt(ms / floorMs, 1)}×` : "");
  for (const { kind, cpuMs, usage } of results) {
    const mean = (f: (u: Usage) => number) => usage.reduce((a, u) => a + f(u), 0) / Math.max(1, usage.length);
    const maxSub = Math.max(...usage.map(subrequests));
    const med = median(cpuMs);
    const sub = maxSub <= FREE_SUBREQUESTS ? "within Free ✔" : maxSub <= PAID_SUBREQUESTS ? "over Free: needs Paid ✘" : "over Paid ✘";
    lines.push(
      `| ${kind.name} | ${usage.length} | ${fmt(med, 2)} (${fmt(Math.max(...cpuMs), 2)}) | ${times(med)} | ${cpuVerdict(med)} | ` +
        `${fmt(mean(subrequests), 1)} (${fmt(maxSub)}) | ${fmt(mean((u) => u.requests), 1)} / ${fmt(mean((u) => u.sessions), 1)} / ${fmt(mean((u) => u.outbound), 1)} | ` +
        `${sub} | ${fmt(mean((u) => u.billed), 1)} | ${fmt(mean((u) => u.statements), 1)} |`,
    );
    if (kind.per) {
      const p = kind.per.units;
      lines.push(
        `| … per ${kind.per.label} (${fmt(p)} a run) | | ${fmt(med / p, 2)} | ${times(med / p)} | ${cpuVerdict(med / p)} | ${fmt(mean(subrequests) / p, 1)} | | | ` +
          `${fmt(mean((u) => u.billed) / p, 1)} | ${fmt(mean((u) => u.statements) / p, 1)} |`,
      );
    }
  }
  return lines.join("\n");
}
