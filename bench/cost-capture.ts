/**
 * What recording a click costs in Upstash terms, per click: at a trickle (clicks spaced well beyond the 5 ms
 * linger, so each is a batch of its own, sent round-robin to several isolates, so each isolate also fetches
 * the day's visitor salt and reads the link once) and under load (wrk on one isolate: concurrent clicks share
 * a batch). Commands are split by the part of the product that sent them (bench/lib/meter.ts partOf).
 */
import { byPart, perUnit, type Usage } from "./lib/meter.ts";
import { fmt } from "./lib/report.ts";
import { wrk } from "./lib/wrk.ts";
import { CLICK_UA, sleep, visit, type Rig } from "./cost-rig.ts";

export interface CaptureResult {
  name: string;
  clicks: number;
  usage: Usage;
}

export async function trickleClicks(rig: Rig, clicks: number, spacingMs: number): Promise<CaptureResult> {
  const before = await rig.meter.snapshot();
  let redirects = 0;
  for (let i = 0; i < clicks; i++) {
    const w = rig.isolates[i % rig.isolates.length];
    const started = Date.now();
    if ((await visit(w, "/hot")) === 302) redirects++;
    await sleep(Math.max(0, spacingMs - (Date.now() - started)));
  }
  for (const w of rig.isolates) await rig.settle(w);
  if (redirects !== clicks) throw new Error(`trickle: ${clicks - redirects} of ${clicks} visits were not redirects`);
  return {
    name: `trickle: ${clicks} clicks ${spacingMs} ms apart, round-robin over ${rig.isolates.length} isolates`,
    clicks,
    usage: await rig.meter.since(before),
  };
}

export async function underLoad(rig: Rig, seconds: number): Promise<CaptureResult> {
  const before = await rig.meter.snapshot();
  const r = await wrk(`${rig.main.url}/hot`, { seconds, headers: { "user-agent": CLICK_UA } });
  await rig.settle(rig.main, 10_000);
  const clicks = r.requests - r.non2xx3xx;
  if (r.errors || r.non2xx3xx) throw new Error(`under load: ${r.errors} socket errors, ${r.non2xx3xx} answers that were not redirects`);
  return {
    name: `under load: wrk, 32 connections, ${seconds} s on one isolate (${fmt(r.rps)} clicks/s)`,
    clicks,
    usage: await rig.meter.since(before),
  };
}

const PARTS = ["capture", "inside scripts", "link lookup", "rate limits", "ingest", "other"];

/** The capture table: per click, commands by part, requests and bytes. */
export function captureTable(results: CaptureResult[]): string {
  const lines = [
    `| per click | clicks | Upstash commands (billed) | ${PARTS.join(" | ")} | HTTP requests | bytes to and from Upstash |`,
    `| --- | ---: | ---: | ${PARTS.map(() => "---:").join(" | ")} | ---: | ---: |`,
  ];
  for (const r of results) {
    const u = perUnit(r.usage, r.clicks);
    const parts = byPart(r.usage);
    lines.push(
      `| ${r.name} | ${fmt(r.clicks)} | ${fmt(u.billed, 2)} | ${PARTS.map((p) => fmt((parts[p] ?? 0) / r.clicks, 2)).join(" | ")} | ` +
        `${fmt(u.requests, 3)} | ${fmt(u.bytes)} |`,
    );
  }
  const names = results.map((r) => {
    const per = Object.entries(r.usage.byCommand).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${fmt(v / r.clicks, 3)}`);
    return `- ${r.name}: ${per.join(", ")}`;
  });
  return [
    ...lines,
    "",
    "Commands per click by name and key class, as the bridge saw them (a script's inner calls are the \"inside scripts\" column: " +
      "the day's visitor salt, read once per isolate and day, is the only script on this path):",
    ...names,
  ].join("\n");
}
