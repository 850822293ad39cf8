/**
 * Helpers for the reports tests: reports filed as strangers (no key), each from an address of its own so
 * that the per-client limit of one test never meets another's, and a report's row read straight from Postgres.
 */
import { eq, inArray } from "drizzle-orm";
import { linkReports, type LinkReportRow } from "../../db/schema.ts";
import { withDb } from "./db.ts";
import { call, type WorkerCallOptions } from "./worker.ts";

let n = 0;
/** A documentation address (198.51.100.0/24, 2001:db8::/32) no other test file uses. */
export const uniqueIp = () => `2001:db8:5e9:${(Date.now() % 0xffff).toString(16)}:${Math.floor(Math.random() * 0xffff).toString(16)}::${(++n).toString(16)}`;

/** POST /api/v1/reports as a stranger from `ip` (a fresh address unless given). */
export function sendReport(body: unknown, opts: { ip?: string; settings?: WorkerCallOptions["settings"]; headers?: Record<string, string> } = {}) {
  return call("POST", "/api/v1/reports", { key: null, body, settings: opts.settings, headers: { "x-forwarded-for": opts.ip ?? uniqueIp(), ...opts.headers } });
}

/** Files a report and answers its id. */
export async function fileTestReport(body: Record<string, unknown> = {}): Promise<string> {
  const res = await sendReport({ ...(body.url === undefined ? { slug: "no-such-link-here" } : {}), reason: "spam", ...body });
  if (res.status !== 202) throw new Error(`filing a report: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { id: string }).id;
}

export const reportRow = (id: string | number): Promise<LinkReportRow | undefined> =>
  withDb(async (db) => (await db.select().from(linkReports).where(eq(linkReports.id, Number(id))))[0]);

/** Removes the reports a test filed (only those). */
export const removeReports = (ids: (string | number)[]) =>
  ids.length ? withDb((db) => db.delete(linkReports).where(inArray(linkReports.id, ids.map(Number)))) : Promise.resolve();
