/**
 * What click capture costs in Upstash terms, for bench/redirect.ts: commands (what Upstash bills; counted by
 * redis-server's INFO commandstats, so commands run by scripts count too) and HTTP requests (round trips;
 * counted by the local Upstash bridge in this process) per 1,000 clicks, measured around one load.
 */
import { Redis } from "ioredis";
import { bridgeStats } from "../dev/upstash-meter.ts";
import { fmt } from "./lib/report.ts";

export interface Cost {
  clicks: number;
  commands: number;
  requests: number;
}

/**
 * Commands redis-server has run so far, as Upstash bills them: INFO commandstats counts an EVAL and each
 * redis.call of its script, and a transaction's MULTI and EXEC. Meters' own INFO calls are left out.
 */
export async function commandsRun(redis: Redis): Promise<number> {
  const info = await redis.info("commandstats");
  let n = 0;
  // Lines like "cmdstat_xadd:calls=12,usec=...".
  for (const m of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) if (m[1] !== "info") n += Number(m[2]);
  return n;
}

/** Snapshots of the command and request counters; `since` gives what happened after a snapshot. */
export function costMeter(redisUrl: string) {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  const commands = () => commandsRun(redis);
  return {
    async snapshot() {
      return { commands: await commands(), requests: bridgeStats.requests };
    },
    async since(s: { commands: number; requests: number }, clicks: number): Promise<Cost> {
      return { clicks, commands: (await commands()) - s.commands, requests: bridgeStats.requests - s.requests };
    },
    close: () => redis.quit().catch(() => {}),
  };
}

/** Sums costs of several runs. */
export const addCosts = (cs: Cost[]): Cost =>
  cs.reduce((a, c) => ({ clicks: a.clicks + c.clicks, commands: a.commands + c.commands, requests: a.requests + c.requests }), {
    clicks: 0, commands: 0, requests: 0,
  });

export const per1000 = (c: Cost) => ({
  commands: (c.commands * 1000) / Math.max(1, c.clicks),
  requests: (c.requests * 1000) / Math.max(1, c.clicks),
});

export const costText = (c: Cost) => {
  const p = per1000(c);
  return `${fmt(p.commands)} commands, ${fmt(p.requests)} HTTP requests per 1,000 clicks (${fmt(c.clicks)} clicks)`;
};

/** One GET a second for `seconds`, each awaited with its waitUntil work given time to finish; returns redirects. */
export async function trickle(url: string, seconds: number): Promise<number> {
  let redirects = 0;
  for (let i = 0; i < seconds; i++) {
    const started = Date.now();
    const res = await fetch(url, { redirect: "manual", headers: { "user-agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/125.0" } });
    await res.arrayBuffer();
    if (res.status >= 300 && res.status < 400) redirects++;
    await new Promise((r) => setTimeout(r, Math.max(0, 1000 - (Date.now() - started))));
  }
  return redirects;
}
