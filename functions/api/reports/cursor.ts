/**
 * Report queue cursors: signed cursors (functions/shared/signed-cursor.ts) over the last report's id, bound to
 * the status filter of the page that issued them.
 */
import type { Env } from "../../shared/env.ts";
import { openCursor, sealCursor } from "../../shared/signed-cursor.ts";

const PURPOSE = "reports v1";
const covered = (status: string | undefined) => (payload: string) => ["reports-cursor-v1", payload, status ?? null];

export function encodeReportCursor(config: Env, id: number, status: string | undefined): Promise<string> {
  return sealCursor(config, PURPOSE, new TextEncoder().encode(String(id)), covered(status));
}

/** The id of a cursor this deployment issued for this status, or null for any other string. */
export async function decodeReportCursor(config: Env, cursor: string, status: string | undefined): Promise<number | null> {
  const payload = await openCursor(config, PURPOSE, cursor, covered(status));
  if (!payload) return null;
  const text = new TextDecoder().decode(payload);
  const id = Number(text);
  return /^[1-9]\d{0,15}$/.test(text) && Number.isSafeInteger(id) ? id : null;
}
