/**
 * Links list cursors (also the webhook delivery log's): signed cursors (functions/shared/signed-cursor.ts) over
 * JSON [createdAt, id], bound to the q, tag, domain, createdBy and health filters of the page that issued them. The
 * position is still checked strictly after the MAC, in case a key ever signs a bad one.
 */
import type { ListPosition } from "../../../db/queries/links.ts";
import type { Env } from "../../shared/env.ts";
import { openCursor, sealCursor } from "../../shared/signed-cursor.ts";

/** The filters a cursor is bound to: the next page must ask for the same ones. */
export interface CursorFilters {
  q?: string;
  tag?: string;
  domain?: string;
  createdBy?: string;
  health?: string;
}

const MICRO_ISO = /^(\d{4})-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\d{3}Z$/;
const PURPOSE = "links v1";

/** What the MAC covers: the payload as sent and the filters (this shape is what cursors already issued carry). */
const covered = (f: CursorFilters) => (payload: string) =>
  ["links-cursor-v1", f.q ?? null, f.tag ?? null, payload, ...(f.domain === undefined ? [] : [f.domain]),
    ...(f.createdBy === undefined ? [] : [["createdBy", f.createdBy]]), ...(f.health === undefined ? [] : [["health", f.health]])];

export function encodeCursor(config: Env, p: ListPosition, filters: CursorFilters): Promise<string> {
  return sealCursor(config, PURPOSE, new TextEncoder().encode(JSON.stringify([p.createdAt, p.id])), covered(filters));
}

/** The position of a cursor this deployment issued for these filters, or null for any other string. */
export async function decodeCursor(config: Env, cursor: string, filters: CursorFilters): Promise<ListPosition | null> {
  const payload = await openCursor(config, PURPOSE, cursor, covered(filters));
  return payload && parsePosition(payload);
}

/** The position in a payload, or null unless it is exactly what listLinks writes: a UTC time Postgres can read, and an id. */
function parsePosition(bytes: Uint8Array): ListPosition | null {
  try {
    const value: unknown = JSON.parse(new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes));
    if (!Array.isArray(value) || value.length !== 2) return null;
    const [createdAt, id] = value;
    if (typeof createdAt !== "string" || typeof id !== "string" || id.length > 200 || !/^[^\p{Cc}\p{Cs}]*$/u.test(id)) return null;
    const m = MICRO_ISO.exec(createdAt);
    // Postgres has no year 0; the round trip through Date rejects impossible dates (2026-02-30) the pattern lets by.
    const ms = `${createdAt.slice(0, 23)}Z`;
    if (!m || m[1] === "0000" || Number.isNaN(Date.parse(ms)) || new Date(ms).toISOString() !== ms) return null;
    return { createdAt, id };
  } catch {
    return null;
  }
}
