/**
 * One case of the redirect benchmark (bench/redirect.ts), measured: what a case is, and wrk on each Worker it
 * compares, a warm-up and then ROUNDS rounds that rotate which Worker goes first, with the workerd CPU, this
 * process's CPU and the Upstash cost of every run; and the small waits around the load (visit every path
 * once, wait for deferred work to end). Apart from the entry file, which starts the stack and the Workers and
 * lists the cases, and from the rows made of the figures (redirect-rows.ts).
 */
import type { Cost, costMeter } from "./capture-cost.ts";
import { quick } from "./lib/report.ts";
import type { Served } from "./lib/worker.ts";
import { wrk, type WrkResult } from "./lib/wrk.ts";

export const ROUNDS = quick ? 1 : 3;
export const SECONDS = quick ? 1 : 5;
const WARMUP_SECONDS = 1;

/** "hot": the hot link (/b1) on ours, beside a case that compares itself with it. */
export type Who = "ours" | "bare" | "floor" | "batched" | "hot";

export interface Case {
  name: string;
  ours: Served;
  /** The one path of ours loaded (default /b1, the hot link); `paths` loads many instead. */
  path?: string;
  paths?: string[];
  /** Measure the hot link on ours in the same rounds, and give this case's ratio to it. */
  versusHot?: boolean;
  /** Request headers of ours, and of the hot link beside it (the same, so the ratio is the case's own cost). */
  headers?: Record<string, string>;
  /** Every answer of ours must be a redirect (a fast error must not pass for speed); unknown slugs are 404s. */
  expect: "redirect" | "404";
  /** Also measure the floor Worker (one click pipeline per request) in this case's rounds. */
  floor?: boolean;
  /** Runs right before the case. */
  prepare?: () => Promise<unknown>;
  goal?: (rps: number, p99: number) => string;
}

export interface Run extends WrkResult {
  /** workerd CPU per request, µs. */
  cpuUs: number;
  /** CPU per request of this process, µs: the Upstash bridge (and the idle Neon proxy) run in it. */
  bridgeUs: number;
  /** Upstash commands and requests of the run (its waitUntil work included). */
  cost: Cost;
}

/** Runs the case on each Worker it compares; also returns the clicks ours completed in its warm-up. */
export async function measureCase(
  k: Case, servers: Record<Who, Served>, meter: ReturnType<typeof costMeter>,
): Promise<{ m: Record<Who, Run[]>; warmClicks: number }> {
  const load = async (who: Who, seconds: number): Promise<Run> => {
    const w = servers[who];
    const cpu0 = w.cpuSeconds();
    const own0 = process.cpuUsage();
    const cost0 = await meter.snapshot();
    const headers = who === "ours" || who === "hot" ? k.headers : undefined;
    const r = await wrk(k.paths ? w.url : `${w.url}${who === "hot" ? "/b1" : (k.path ?? "/b1")}`, { seconds, paths: k.paths, headers });
    // Work deferred with waitUntil outlives the response: give it a moment to finish so it is charged to
    // this run, and so the next run does not start on a backlog.
    await quiet(w);
    const own = process.cpuUsage(own0);
    const n = Math.max(1, r.requests);
    const cost = await meter.since(cost0, r.requests - r.non2xx3xx);
    return { ...r, cpuUs: ((w.cpuSeconds() - cpu0) * 1e6) / n, bridgeUs: (own.user + own.system) / n, cost };
  };
  await k.prepare?.();
  const who: Who[] = k.floor ? ["bare", "floor", "batched", "ours"] : k.versusHot ? ["bare", "hot", "ours"] : ["bare", "ours"];
  const m: Record<Who, Run[]> = { ours: [], bare: [], floor: [], batched: [], hot: [] };
  let warmClicks = 0;
  for (const w of who) {
    const warm = await load(w, WARMUP_SECONDS); // JIT, connections, caches
    if ((w === "ours" || w === "hot") && k.expect === "redirect") warmClicks += warm.requests - warm.non2xx3xx;
  }
  for (let r = 0; r < ROUNDS; r++) {
    for (let i = 0; i < who.length; i++) {
      const w = who[(i + r) % who.length]; // rotate who goes first
      m[w].push(await load(w, SECONDS));
    }
  }
  return { m, warmClicks };
}

/** GETs every path once, 16 at a time; returns how many answered with a redirect. */
export async function visitAll(base: string, paths: string[]): Promise<number> {
  let redirects = 0;
  for (let i = 0; i < paths.length; i += 16) {
    const answers = await Promise.all(paths.slice(i, i + 16).map(async (p) => {
      const res = await fetch(base + p, { redirect: "manual" });
      await res.arrayBuffer();
      return res.status;
    }));
    redirects += answers.filter((s) => s >= 300 && s < 400).length;
  }
  return redirects;
}

/** Waits until a Worker's CPU use stops growing (its waitUntil work is done), at most 5 s. */
export async function quiet(w: Served): Promise<void> {
  let last = w.cpuSeconds();
  for (let i = 0; i < 25; i++) {
    await new Promise((r) => setTimeout(r, 200));
    const now = w.cpuSeconds();
    if (now === last) return;
    last = now;
  }
}
