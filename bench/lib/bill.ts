/**
 * A month's bill from measured per-unit counts (bench/cost.ts) and the platforms' published prices. Pure: no
 * I/O, so the model can be read and tested apart from the measurements. Prices as read on 2026-12-07 from:
 * - Workers: developers.cloudflare.com/workers/platform/pricing/ and …/workers/platform/limits/
 * - Upstash Redis: upstash.com/docs/redis/overall/billing (page of 2026-06-18)
 * - Neon: neon.com/docs/introduction/plans (updated 2026-11-12)
 * - QStash: upstash.com/pricing/qstash and upstash.com/docs/qstash/overall/pricing
 */
export const PRICES = {
  read: "2026-12-07",
  workers: {
    freeRequestsPerDay: 100_000, freeCpuMs: 10,
    paidBase: 5, paidRequests: 10e6, paidPerMRequests: 0.3, paidCpuMs: 30e6, paidPerMCpuMs: 0.02,
    /** Paid's default CPU limit per invocation (a cron every minute gets the same 30 s). */
    paidCpuPerInvocationMs: 30_000,
  },
  upstash: {
    freeCommands: 500_000, freeBandwidthGB: 10,
    paygPer100k: 0.2, paygFreeBandwidthGB: 200, paygPerGB: 0.03,
    fixed: { name: "fixed 250 MB", price: 10, bandwidthGB: 50 },
  },
  neon: { freeCuHours: 100, freeStorageGB: 0.5, launchPerCuHour: 0.106, launchPerGBMonth: 0.35, suspendMin: 5 },
  qstash: { freePerDay: 1000, paygPer100k: 1 },
};

/** What the benchmark measured, per unit. */
export interface Measured {
  /** Capture per click at a trickle (each click its own batch: the dear case). */
  capture: { commands: number; bytes: number };
  /** Upstash commands and bytes of reading a link from Redis (a redirect that missed the isolate cache). */
  lookup: { commands: number; bytes: number };
  /** CPU ms here of a redirect served from the isolate cache, and of one that read Redis. */
  hotCpuMs: number;
  missCpuMs: number;
  apiCpuMs: number;
  /** One idle cron run; whether it opens a Postgres session (then Neon never sleeps while the cron runs). */
  cronIdle: { commands: number; bytes: number; cpuMs: number; opensPostgres: boolean };
  /** What a cron run adds per click it ingests (the backlog run less an idle run, per click). */
  ingest: { commands: number; bytes: number; cpuMs: number };
  /** Postgres bytes per 1 M clicks, and the database's size before any click. */
  storage: { baseBytes: number; raw: number; rollups: number };
}

export interface Assumptions {
  /** Share of redirects answered from the isolate cache (no Redis read). */
  hitRatio: number;
  apiCallsPerMonth: number;
  /**
   * When the cron opens Postgres: null = the default, INGEST_DELAY_SECONDS 0 (at the first run after a click;
   * at every run if the idle run was measured to open a session); D = once the oldest waiting click is D
   * minutes old (INGEST_DELAY_SECONDS = 60 D). Either way once a day for the fold and retention.
   */
  ingestAfterMin: number | null;
  /** Webhook endpoints subscribed to "clicks", delivered through QStash (a publish and a success callback each). */
  clickWebhooks: number;
  cu: number;
  /** Storage is priced as it stands after this many months at the same rate. */
  storageMonth: number;
  rawRetentionDays: number;
}

export const ASSUMPTIONS: Assumptions = {
  hitRatio: 0, apiCallsPerMonth: 3000, ingestAfterMin: null, clickWebhooks: 1, cu: 0.25, storageMonth: 12, rawRetentionDays: 90,
};

const CRON_RUNS = 43_200; // every minute of a 30-day month
const MONTH_MIN = 43_200;
const GB = 1e9;

export interface MonthUsage {
  clicks: number;
  requests: number;
  requestsPerDay: number;
  cpuMs: number;
  /** The dearest invocation here: a redirect, an API call, or a cron run with the clicks it ingests at this volume. */
  maxInvocationCpuMs: number;
  commands: number;
  bandwidthGB: number;
  ingestRuns: number;
  awakeHours: number;
  cuHours: number;
  storageGB: number;
  qstashMessages: number;
}

export function monthUsage(clicks: number, m: Measured, a: Assumptions): MonthUsage {
  const miss = 1 - a.hitRatio;
  // Minutes between clicks spread evenly over the month, and between ingests that open Postgres.
  const gap = clicks ? MONTH_MIN / clicks : Infinity;
  const everyRun = a.ingestAfterMin === null;
  const interval = everyRun ? Math.max(1, gap) : Math.max(gap, a.ingestAfterMin! + Math.min(gap, a.ingestAfterMin!) / 2);
  const ingestRuns = clicks ? Math.min(clicks, MONTH_MIN / interval, CRON_RUNS) : 0;
  let awakeHours: number;
  if (everyRun && m.cronIdle.opensPostgres) awakeHours = MONTH_MIN / 60;
  else {
    // Each opening keeps the compute up for the 5 minutes before it suspends (or until the next opening).
    const openings = ingestRuns + 30; // and the daily fold and retention
    awakeHours = Math.min(MONTH_MIN, openings * Math.min(PRICES.neon.suspendMin, Math.max(1, interval))) / 60;
  }
  const callbacks = ingestRuns * a.clickWebhooks;
  const requests = clicks + CRON_RUNS + a.apiCallsPerMonth + callbacks;
  const clicksPerRun = ingestRuns ? clicks / ingestRuns : 0;
  const redirectCpu = a.hitRatio * m.hotCpuMs + miss * m.missCpuMs;
  const cpuMs = clicks * redirectCpu + CRON_RUNS * m.cronIdle.cpuMs + clicks * m.ingest.cpuMs + (a.apiCallsPerMonth + callbacks) * m.apiCpuMs;
  const commands = clicks * (m.capture.commands + miss * m.lookup.commands + m.ingest.commands) + CRON_RUNS * m.cronIdle.commands;
  const bytes = clicks * (m.capture.bytes + miss * m.lookup.bytes + m.ingest.bytes) + CRON_RUNS * m.cronIdle.bytes;
  const perM = clicks / 1e6;
  const rawMonths = Math.min(a.storageMonth, a.rawRetentionDays / 30);
  const storage = m.storage.baseBytes + perM * (m.storage.raw * rawMonths + m.storage.rollups * a.storageMonth);
  return {
    clicks, requests, requestsPerDay: requests / 30, cpuMs,
    maxInvocationCpuMs: Math.max(m.missCpuMs, m.apiCpuMs, m.cronIdle.cpuMs + clicksPerRun * m.ingest.cpuMs),
    commands, bandwidthGB: bytes / GB, ingestRuns, awakeHours, cuHours: awakeHours * a.cu, storageGB: storage / GB,
    qstashMessages: callbacks * 2,
  };
}

export type WorkersPlan = "Free" | "Paid";
export type UpstashPlan = "Free" | "PAYG" | "fixed 250 MB";
export type NeonPlan = "Free" | "Launch";
export interface Plans { workers: WorkersPlan; upstash: UpstashPlan; neon: NeonPlan }

export const PLAN_COMBOS: Plans[] = (["Free", "Paid"] as const).flatMap((workers) =>
  (["Free", "PAYG", "fixed 250 MB"] as const).flatMap((upstash) => (["Free", "Launch"] as const).map((neon) => ({ workers, upstash, neon }))));

/** A month's total in dollars, or why the combination cannot carry it; `warn` when within limits only here without margin. */
export type Bill = { total: number; parts: Record<string, number>; warn?: string } | { over: string };

export function bill(u: MonthUsage, p: Plans, cpuMargin = 0.5): Bill {
  const P = PRICES;
  const over: string[] = [];
  const parts: Record<string, number> = {};
  let warn: string | undefined;
  if (p.workers === "Free") {
    if (u.requestsPerDay > P.workers.freeRequestsPerDay) over.push("Workers req/day");
    if (u.maxInvocationCpuMs > P.workers.freeCpuMs) over.push(`Workers CPU ${u.maxInvocationCpuMs.toFixed(0)} ms`);
    else if (u.maxInvocationCpuMs > P.workers.freeCpuMs * cpuMargin) warn = `CPU ${u.maxInvocationCpuMs.toFixed(1)} ms here, over half of 10 ms`;
    parts.workers = 0;
  } else {
    if (u.maxInvocationCpuMs > P.workers.paidCpuPerInvocationMs) over.push(`Workers CPU ${u.maxInvocationCpuMs.toFixed(0)} ms`);
    parts.workers = P.workers.paidBase + (Math.max(0, u.requests - P.workers.paidRequests) / 1e6) * P.workers.paidPerMRequests +
      (Math.max(0, u.cpuMs - P.workers.paidCpuMs) / 1e6) * P.workers.paidPerMCpuMs;
  }
  if (p.upstash === "Free") {
    if (u.commands > P.upstash.freeCommands) over.push("Upstash commands");
    if (u.bandwidthGB > P.upstash.freeBandwidthGB) over.push("Upstash GB");
    parts.upstash = 0;
  } else if (p.upstash === "PAYG") {
    parts.upstash = (u.commands / 1e5) * P.upstash.paygPer100k + Math.max(0, u.bandwidthGB - P.upstash.paygFreeBandwidthGB) * P.upstash.paygPerGB;
  } else {
    if (u.bandwidthGB > P.upstash.fixed.bandwidthGB) over.push("Upstash GB");
    parts.upstash = P.upstash.fixed.price;
  }
  if (p.neon === "Free") {
    if (u.cuHours > P.neon.freeCuHours) over.push(`Neon CU-h`);
    if (u.storageGB > P.neon.freeStorageGB) over.push("Neon GB");
    parts.neon = 0;
  } else {
    parts.neon = u.cuHours * P.neon.launchPerCuHour + u.storageGB * P.neon.launchPerGBMonth;
  }
  // QStash: the free plan while it carries the month, else pay-as-you-go (no combination is impossible).
  parts.qstash = u.qstashMessages / 30 <= P.qstash.freePerDay ? 0 : (u.qstashMessages / 1e5) * P.qstash.paygPer100k;
  if (over.length) return { over: `✘ ${over.join(", ")}` };
  return { total: Object.values(parts).reduce((a, b) => a + b, 0), parts, warn };
}
