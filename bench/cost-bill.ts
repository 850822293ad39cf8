/**
 * The bill section of the cost benchmark: the measured counts turned into bench/lib/bill.ts's per-unit inputs,
 * a month's usage at 0, 10 k, 1 M, 10 M and 100 M clicks, and the bill of every plan combination.
 */
import { ASSUMPTIONS, bill, monthUsage, PLAN_COMBOS, PRICES, type Assumptions, type Measured, type Plans } from "./lib/bill.ts";
import { byPart, type Usage } from "./lib/meter.ts";
import { fmt, median } from "./lib/report.ts";
import type { BytesResult } from "./cost-bytes.ts";
import type { CaptureResult } from "./cost-capture.ts";
import type { KindResult } from "./cost-cpu.ts";
import type { IdleResult } from "./cost-idle.ts";

export const VOLUMES = [0, 10_000, 1e6, 10e6, 100e6];

const mean = (us: Usage[], f: (u: Usage) => number) => us.reduce((a, u) => a + f(u), 0) / Math.max(1, us.length);

export function measuredInputs(o: {
  trickle: CaptureResult; idle: IdleResult; kinds: KindResult[]; bytes: BytesResult; backlog: number;
}): Measured {
  const kind = (prefix: string) => {
    const k = o.kinds.find((x) => x.kind.name.startsWith(prefix));
    if (!k) throw new Error(`no measured invocation "${prefix}"`);
    return k;
  };
  const hot = kind("redirect, hot");
  const cold = kind("redirect, cold: link from Redis");
  const idle = kind("cron run, idle");
  const backlog = kind("cron run with a backlog");
  const t = o.trickle;
  const lookups = byPart(t.usage)["link lookup"] ?? 0;
  const perClick = (k: KindResult, f: (u: Usage) => number) => Math.max(0, mean(k.usage, f) - mean(idle.usage, f)) / o.backlog;
  return {
    capture: { commands: (t.usage.billed - lookups) / t.clicks, bytes: t.usage.bytes / t.clicks },
    lookup: {
      commands: Math.max(0, mean(cold.usage, (u) => u.billed) - mean(hot.usage, (u) => u.billed)),
      bytes: Math.max(0, mean(cold.usage, (u) => u.bytes) - mean(hot.usage, (u) => u.bytes)),
    },
    hotCpuMs: median(hot.cpuMs),
    missCpuMs: median(cold.cpuMs),
    apiCpuMs: Math.max(median(kind("create a link").cpuMs), median(kind("stats of a link").cpuMs)),
    cronIdle: { commands: o.idle.commands, bytes: median(o.idle.runs.map((u) => u.bytes)), cpuMs: median(idle.cpuMs), opensPostgres: o.idle.opened > 0 },
    ingest: {
      commands: perClick(backlog, (u) => u.billed),
      bytes: perClick(backlog, (u) => u.bytes),
      cpuMs: Math.max(0, median(backlog.cpuMs) - median(idle.cpuMs)) / o.backlog,
    },
    storage: { baseBytes: o.bytes.baseBytes, raw: o.bytes.raw, rollups: o.bytes.rollupsAfterFold },
  };
}

const vol = (n: number) => (n === 0 ? "0" : n < 1e6 ? `${n / 1000} k` : `${n / 1e6} M`);
/**
 * The default (INGEST_DELAY_SECONDS 0: the cron ingests at the first run that finds a click, and opens Postgres
 * for nothing else unless work is due; when the measured idle run opens Postgres, at every run) and the setting
 * that lets Neon sleep at a trickle (3600: once the oldest waiting click is an hour old).
 */
const CADENCES: { label: string; a: Assumptions }[] = [
  { label: "with the default INGEST_DELAY_SECONDS = 0", a: ASSUMPTIONS },
  { label: "with INGEST_DELAY_SECONDS = 3600", a: { ...ASSUMPTIONS, ingestAfterMin: 60 } },
];

export function inputsText(m: Measured): string {
  return [
    "Inputs measured above (per unit): " +
      `capture ${fmt(m.capture.commands, 2)} commands and ${fmt(m.capture.bytes)} bytes a click (trickle, link lookups apart); ` +
      `a link read from Redis ${fmt(m.lookup.commands, 2)} commands; CPU here: hot redirect ${fmt(m.hotCpuMs, 2)} ms, ` +
      `one that reads Redis ${fmt(m.missCpuMs, 2)} ms, an API call ${fmt(m.apiCpuMs, 2)} ms; idle cron run ${fmt(m.cronIdle.commands)} ` +
      `commands, ${fmt(m.cronIdle.cpuMs, 2)} ms, ${m.cronIdle.opensPostgres ? "opens" : "does not open"} Postgres; ingest adds ` +
      `${fmt(m.ingest.commands, 3)} commands and ${fmt(m.ingest.cpuMs, 4)} ms a click; Postgres ${fmt(m.storage.raw / 1e6)} MB raw and ` +
      `${fmt(m.storage.rollups / 1e6)} MB rollups per 1 M clicks.`,
    `Assumptions: ${ASSUMPTIONS.hitRatio * 100}% of redirects answered from the isolate cache (every click reads the link from ` +
      `Redis: at a few clicks a minute spread over many isolates the 5 s cache rarely hits; a higher ratio lowers the Upstash ` +
      `column); ${fmt(ASSUMPTIONS.apiCallsPerMonth)} API calls a month; a cron run every minute (43,200 a month, each a Workers ` +
      `request); clicks spread evenly over a 30-day month; ${ASSUMPTIONS.clickWebhooks} webhook endpoint subscribed to "clicks", ` +
      `delivered through QStash (a publish and a success callback per delivery, retries not counted; the callback is a Workers ` +
      `request too); Neon at ${ASSUMPTIONS.cu} CU, awake from a session until ${PRICES.neon.suspendMin} idle minutes later; storage as ` +
      `it stands after ${ASSUMPTIONS.storageMonth} months (raw clicks kept ${ASSUMPTIONS.rawRetentionDays} days, rollups forever), ` +
      "from the 1 M-a-month sample's bytes per click at every volume. Prices read " + `${PRICES.read}.`,
  ].join("\n\n");
}

export function usageTable(m: Measured): string {
  const lines = [
    "| clicks a month | Workers requests (per day) | Workers CPU-ms here | dearest invocation, CPU ms here | Upstash commands | Upstash GB | " +
      "Neon CU-hours: delay 0 / delay 3600 | Neon GB after 12 months | QStash messages a day |",
    "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  ];
  for (const clicks of VOLUMES) {
    const [base, hourly] = CADENCES.map((c) => monthUsage(clicks, m, c.a));
    lines.push(
      `| ${vol(clicks)} | ${fmt(base.requests)} (${fmt(base.requestsPerDay)}) | ${fmt(base.cpuMs)} | ${fmt(base.maxInvocationCpuMs, 1)} | ` +
        `${fmt(base.commands)} | ${fmt(base.bandwidthGB, 2)} | ${fmt(base.cuHours)} / ${fmt(hourly.cuHours)} | ` +
        `${fmt(base.storageGB, 3)} | ${fmt(base.qstashMessages / 30)} |`,
    );
  }
  return lines.join("\n");
}

const planName = (p: Plans) => `Workers ${p.workers} · Upstash ${p.upstash} · Neon ${p.neon}`;

export function billTables(m: Measured): string {
  return CADENCES.map(({ label, a }) => {
    const usage = VOLUMES.map((c) => monthUsage(c, m, a));
    const lines = [
      `**Monthly bill, ${label}** (QStash: Free while under 1,000 messages a day, else pay-as-you-go. ✘: the plan cannot carry ` +
        "it, and what it runs out of: Workers requests a day or CPU per invocation (10 ms), Upstash commands or bandwidth, " +
        "Neon CU-hours or storage; ⚠: within Free's CPU limit here, but not by the margin)",
      "",
      `| plans | ${VOLUMES.map((v) => `${vol(v)} clicks`).join(" | ")} |`,
      `| --- | ${VOLUMES.map(() => "---:").join(" | ")} |`,
    ];
    for (const p of PLAN_COMBOS) {
      const cells = usage.map((u) => {
        const b = bill(u, p);
        return "over" in b ? b.over : `$${fmt(b.total, 2)}${b.warn ? ` ⚠ ${b.warn}` : ""}`;
      });
      lines.push(`| ${planName(p)} | ${cells.join(" | ")} |`);
    }
    return lines.join("\n");
  }).join("\n\n");
}

/** The cheapest combination that carries each volume, as the cost summary. */
export function cheapest(m: Measured, a: Assumptions = ASSUMPTIONS): { clicks: number; plans: string; total: number }[] {
  return VOLUMES.map((clicks) => {
    const u = monthUsage(clicks, m, a);
    let best = { clicks, plans: "none", total: Infinity };
    for (const p of PLAN_COMBOS) {
      const b = bill(u, p);
      if (!("over" in b) && b.total < best.total) best = { clicks, plans: planName(p), total: b.total };
    }
    return best;
  });
}
