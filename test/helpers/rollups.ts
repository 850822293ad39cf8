/**
 * Test seam: turns enriched clicks (the columns of a raw `clicks` row the rollups need) into rollup rows, the
 * way the ingestion pipeline is specified to (db/schema/rollups.ts), and writes them additively. When the
 * pipeline's own rollup routine is merged, `rollUpClicks` should call it instead; `clickRollups` then
 * only serves as the test oracle's documentation of the rules.
 *
 * Rules: every click counts for its link and for ALL_LINKS; clicks = humans + bots + previews; each of the
 * nine dimensions gets a row per (hour) and per (UTC day), "" for unknown; ALL_LINKS rows also get dim
 * "link" = link id; a unique is a visitor's first human click of a UTC day, counted in that click's hour
 * (per link, and per ALL_LINKS across links). Stateless: uniques are exact within one call.
 */
import { sql } from "drizzle-orm";
import { ALL_LINKS, clicksDimsDaily, clicksDimsHourly, clicksHourly, type ClickRow, type Dimension } from "../../db/schema.ts";
import type { Db } from "../../functions/shared/db.ts";

export type ClickSpec = Pick<ClickRow, "linkId" | "visitor"> & {
  ts: Date | string;
  kind?: "human" | "bot" | "preview";
} & Partial<Pick<ClickRow, "referrerHost" | "country" | "city" | "device" | "browser" | "os" | "utmSource" | "utmMedium" | "utmCampaign">>;

const DIM_COLUMNS: [Dimension, keyof ClickSpec][] = [
  ["referrer", "referrerHost"],
  ["country", "country"],
  ["city", "city"],
  ["device", "device"],
  ["browser", "browser"],
  ["os", "os"],
  ["utm_source", "utmSource"],
  ["utm_medium", "utmMedium"],
  ["utm_campaign", "utmCampaign"],
];

const HOUR = 3_600_000;
interface Counters { clicks: number; humans: number; bots: number; previews: number }
const zero = (): Counters => ({ clicks: 0, humans: 0, bots: 0, previews: 0 });
const KIND_FIELD = { human: "humans", bot: "bots", preview: "previews" } as const;

export function clickRollups(clicks: ClickSpec[]) {
  const hourly = new Map<string, Counters & { linkId: string; hour: Date; uniques: number }>();
  const dimsHourly = new Map<string, Counters & { linkId: string; hour: Date; dim: string; value: string }>();
  const dimsDaily = new Map<string, Counters & { linkId: string; day: string; dim: string; value: string }>();
  const firstOfDay = new Map<string, number>(); // linkId|day|visitor -> ts of the first human click

  const bump = (c: Counters, kind: keyof typeof KIND_FIELD) => { c.clicks++; c[KIND_FIELD[kind]]++; };
  for (const click of clicks) {
    const t = new Date(click.ts).getTime();
    const kind = click.kind ?? "human";
    const hour = new Date(Math.floor(t / HOUR) * HOUR);
    const day = hour.toISOString().slice(0, 10);
    for (const linkId of [click.linkId, ALL_LINKS]) {
      const hk = `${linkId}|${hour.toISOString()}`;
      if (!hourly.has(hk)) hourly.set(hk, { linkId, hour, uniques: 0, ...zero() });
      bump(hourly.get(hk)!, kind);
      if (kind === "human") {
        const vk = `${linkId}|${day}|${click.visitor}`;
        firstOfDay.set(vk, Math.min(firstOfDay.get(vk) ?? Infinity, t));
      }
      const dims: [string, string][] = DIM_COLUMNS.map(([dim, col]) => [dim, (click[col] as string | null | undefined) ?? ""]);
      if (linkId === ALL_LINKS) dims.push(["link", click.linkId]);
      for (const [dim, value] of dims) {
        const dh = `${hk}|${dim}|${value}`;
        if (!dimsHourly.has(dh)) dimsHourly.set(dh, { linkId, hour, dim, value, ...zero() });
        bump(dimsHourly.get(dh)!, kind);
        const dd = `${linkId}|${day}|${dim}|${value}`;
        if (!dimsDaily.has(dd)) dimsDaily.set(dd, { linkId, day, dim, value, ...zero() });
        bump(dimsDaily.get(dd)!, kind);
      }
    }
  }
  for (const [vk, t] of firstOfDay) {
    const linkId = vk.slice(0, vk.indexOf("|"));
    hourly.get(`${linkId}|${new Date(Math.floor(t / HOUR) * HOUR).toISOString()}`)!.uniques++;
  }
  return { hourly: [...hourly.values()], dimsHourly: [...dimsHourly.values()], dimsDaily: [...dimsDaily.values()] };
}

function chunks<T>(rows: T[], size = 1000): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

const addCounters = (t: typeof clicksHourly | typeof clicksDimsHourly | typeof clicksDimsDaily) => ({
  clicks: sql`${t.clicks} + excluded.clicks`,
  humans: sql`${t.humans} + excluded.humans`,
  bots: sql`${t.bots} + excluded.bots`,
  previews: sql`${t.previews} + excluded.previews`,
});

/** Writes the rollups of `clicks`, adding to rows already there (ALL_LINKS rows are shared by every test). */
export async function rollUpClicks(db: Db, clicks: ClickSpec[]): Promise<void> {
  const r = clickRollups(clicks);
  for (const rows of chunks(r.hourly)) {
    await db.insert(clicksHourly).values(rows).onConflictDoUpdate({
      target: [clicksHourly.linkId, clicksHourly.hour],
      set: { ...addCounters(clicksHourly), uniques: sql`${clicksHourly.uniques} + excluded.uniques` },
    });
  }
  for (const rows of chunks(r.dimsHourly)) {
    await db.insert(clicksDimsHourly).values(rows).onConflictDoUpdate({
      target: [clicksDimsHourly.linkId, clicksDimsHourly.hour, clicksDimsHourly.dim, clicksDimsHourly.value],
      set: addCounters(clicksDimsHourly),
    });
  }
  for (const rows of chunks(r.dimsDaily)) {
    await db.insert(clicksDimsDaily).values(rows).onConflictDoUpdate({
      target: [clicksDimsDaily.linkId, clicksDimsDaily.day, clicksDimsDaily.dim, clicksDimsDaily.value],
      set: addCounters(clicksDimsDaily),
    });
  }
}
