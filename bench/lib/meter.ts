/**
 * Everything the cost benchmark (bench/cost.ts) counts, in one snapshot: Upstash commands as billed
 * (redis-server's commandstats, bench/capture-cost.ts), the bridge's requests, bytes and commands by name and
 * key class (dev/upstash-meter.ts), the Neon proxy's sessions, statements and session time
 * (dev/neon-proxy.ts), and the other subrequests a Worker made (webhook receiver, QStash stand-in).
 * The stack runs in this process, so the counters are read directly.
 */
import { Redis } from "ioredis";
import { proxyStats } from "../../dev/neon-proxy.ts";
import { bridgeStats } from "../../dev/upstash-meter.ts";
import { commandsRun } from "../capture-cost.ts";

export interface Usage {
  /** Upstash commands as billed (scripts' inner calls, MULTI and EXEC included). */
  billed: number;
  /** HTTP requests to Upstash, and their bytes both ways. */
  requests: number;
  bytes: number;
  /** Commands the bridge saw in request bodies, by "NAME keyclass". */
  byCommand: Record<string, number>;
  sessions: number;
  statements: number;
  transactions: number;
  sessionMs: number;
  /** Requests to anything else a Worker calls (webhook receivers, QStash). */
  outbound: number;
}

export type UsageMeter = ReturnType<typeof usageMeter>;

export function usageMeter(redisUrl: string, outbound: () => number = () => 0) {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  return {
    async snapshot(): Promise<Usage> {
      return {
        billed: await commandsRun(redis),
        requests: bridgeStats.requests,
        bytes: bridgeStats.bytesIn + bridgeStats.bytesOut,
        byCommand: { ...bridgeStats.byCommand },
        sessions: proxyStats.sessions,
        statements: proxyStats.statements,
        transactions: proxyStats.transactions,
        sessionMs: proxyStats.sessionMs,
        outbound: outbound(),
      };
    },
    async since(before: Usage): Promise<Usage> {
      return diffUsage(await this.snapshot(), before);
    },
    close: () => redis.quit().catch(() => {}),
  };
}

export function diffUsage(after: Usage, before: Usage): Usage {
  const byCommand: Record<string, number> = {};
  for (const [k, v] of Object.entries(after.byCommand)) if (v - (before.byCommand[k] ?? 0)) byCommand[k] = v - (before.byCommand[k] ?? 0);
  return {
    billed: after.billed - before.billed,
    requests: after.requests - before.requests,
    bytes: after.bytes - before.bytes,
    byCommand,
    sessions: after.sessions - before.sessions,
    statements: after.statements - before.statements,
    transactions: after.transactions - before.transactions,
    sessionMs: after.sessionMs - before.sessionMs,
    outbound: after.outbound - before.outbound,
  };
}

/** Which part of the product a command served, from its name and key class. */
export function partOf(label: string): "link lookup" | "capture" | "ingest" | "rate limits" | "other" {
  const [name, key = ""] = label.split(" ");
  if (key.startsWith("link:") || key === "domains:table") return "link lookup";
  if (key.startsWith("ratelimit")) return "rate limits";
  // Capture: the click's XADD, and the day's visitor salt when it is not read along with a link lookup.
  if (name === "XADD" && key === "clicks:stream") return "capture";
  if (key.startsWith("salt:")) return "capture";
  if (key.startsWith("clicks:stream") || key === "clicks:dead" || key.startsWith("ingest:") || key === "work:due" || name === "MULTI" || name === "EXEC") return "ingest";
  return "other";
}

/** Commands by part; what the bridge did not see (the commands scripts ran) as "inside scripts". */
export function byPart(u: Usage): Record<string, number> {
  const out: Record<string, number> = {};
  let seen = 0;
  for (const [label, n] of Object.entries(u.byCommand)) {
    const p = partOf(label);
    out[p] = (out[p] ?? 0) + n;
    seen += n;
  }
  if (u.billed - seen) out["inside scripts"] = u.billed - seen;
  return out;
}

/** Usage divided by `n` (per click, per run). */
export function perUnit(u: Usage, n: number): Usage {
  const d = Math.max(1, n);
  const byCommand = Object.fromEntries(Object.entries(u.byCommand).map(([k, v]) => [k, v / d]));
  return {
    billed: u.billed / d, requests: u.requests / d, bytes: u.bytes / d, byCommand, sessions: u.sessions / d,
    statements: u.statements / d, transactions: u.transactions / d, sessionMs: u.sessionMs / d, outbound: u.outbound / d,
  };
}

/**
 * What recording the clicks cost, apart from the redirects' link lookups: commands (capture's own, and the
 * commands scripts ran) and HTTP requests (all of them less the lookups', each a request of its own).
 */
export function captureOnly(u: Usage): { commands: number; requests: number } {
  const parts = byPart(u);
  return { commands: (parts.capture ?? 0) + (parts["inside scripts"] ?? 0), requests: u.requests - (parts["link lookup"] ?? 0) };
}
