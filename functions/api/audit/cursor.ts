/**
 * Audit page cursors: signed cursors (functions/shared/signed-cursor.ts) over the last entry's seq, bound to
 * the filters of the page that issued them: a cursor this deployment did not issue, or one issued for other
 * filters, is refused before anything in it is read.
 */
import type { Env } from "../../shared/env.ts";
import { openCursor, sealCursor } from "../../shared/signed-cursor.ts";

/** The filters a cursor is bound to, as the query sent them. */
export type AuditCursorFilters = Partial<Record<"actor" | "action" | "target" | "from" | "to", string>>;

const PURPOSE = "audit v1";
const covered = (f: AuditCursorFilters) => (payload: string) =>
  ["audit-cursor-v1", payload, f.actor ?? null, f.action ?? null, f.target ?? null, f.from ?? null, f.to ?? null];

export function encodeAuditCursor(config: Env, seq: number, filters: AuditCursorFilters): Promise<string> {
  return sealCursor(config, PURPOSE, new TextEncoder().encode(String(seq)), covered(filters));
}

/** The seq of a cursor this deployment issued for these filters, or null for any other string. */
export async function decodeAuditCursor(config: Env, cursor: string, filters: AuditCursorFilters): Promise<number | null> {
  const payload = await openCursor(config, PURPOSE, cursor, covered(filters));
  if (!payload) return null;
  const text = new TextDecoder().decode(payload);
  const seq = Number(text);
  return /^[1-9]\d{0,15}$/.test(text) && Number.isSafeInteger(seq) ? seq : null;
}
