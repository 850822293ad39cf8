/** Blocklist page cursors: signed (functions/shared/signed-cursor.ts) over the last rule of the page. */
import type { Env } from "../../shared/env.ts";
import { openCursor, sealCursor } from "../../shared/signed-cursor.ts";

const PURPOSE = "blocklist v1";
const covered = (payload: string) => ["blocklist-cursor-v1", payload];

export function encodeBlocklistCursor(config: Env, lastHost: string): Promise<string> {
  return sealCursor(config, PURPOSE, new TextEncoder().encode(lastHost), covered);
}

/** The last rule of the page a cursor this deployment issued continues after, or null for any other string. */
export async function decodeBlocklistCursor(config: Env, cursor: string): Promise<string | null> {
  const payload = await openCursor(config, PURPOSE, cursor, covered);
  return payload ? new TextDecoder().decode(payload) : null;
}
