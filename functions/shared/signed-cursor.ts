/**
 * Opaque page cursors: base64url(payload) "." base64url(HMAC-SHA-256). The MAC covers the payload as sent and
 * whatever the list binds it to (its filters), under a key derived from SESSION_SECRET per list
 * (functions/shared/secret-keys.ts). A cursor is checked before any of it is parsed, so one this deployment
 * did not issue, or one issued for other filters, is refused without reaching a parser or Postgres.
 */
import { fromBase64Url, toBase64Url } from "./bytes.ts";
import type { Env } from "./env.ts";
import { hkdfParams, secretBase } from "./secret-keys.ts";

/** The HKDF info of a list's key ("links v1", "audit v1"): each list signs with its own. */
export type CursorPurpose = string;
/** What the MAC covers, given the payload as sent: a fixed-shape array, so no two inputs encode alike. */
export type CursorCoverage = (payload: string) => unknown[];

const MAC_BYTES = 32;
const enc = new TextEncoder();

// Isolate-lifetime memo of the HMAC keys, per HKDF base key (that is, per SESSION_SECRET) and purpose.
const keys = new WeakMap<CryptoKey, Map<CursorPurpose, Promise<CryptoKey>>>();

async function cursorKey(config: Env, purpose: CursorPurpose): Promise<CryptoKey> {
  const base = await secretBase(config);
  let byPurpose = keys.get(base);
  if (!byPurpose) keys.set(base, (byPurpose = new Map()));
  let key = byPurpose.get(purpose);
  if (!key) {
    key = crypto.subtle.deriveKey(hkdfParams("eatmyurl list cursor", purpose), base, { name: "HMAC", hash: "SHA-256", length: 256 }, false, ["sign", "verify"]);
    byPurpose.set(purpose, key);
  }
  return key;
}

export async function sealCursor(config: Env, purpose: CursorPurpose, payload: Uint8Array, covered: CursorCoverage): Promise<string> {
  const text = toBase64Url(payload);
  const mac = await crypto.subtle.sign("HMAC", await cursorKey(config, purpose), enc.encode(JSON.stringify(covered(text))));
  return `${text}.${toBase64Url(new Uint8Array(mac))}`;
}

/** The payload of a cursor this deployment sealed with this coverage, or null for any other string. */
export async function openCursor(config: Env, purpose: CursorPurpose, cursor: string, covered: CursorCoverage): Promise<Uint8Array | null> {
  const parts = cursor.split(".");
  if (parts.length !== 2) return null;
  const [text, macText] = parts;
  const mac = fromBase64Url(macText);
  const payload = text ? fromBase64Url(text) : null;
  if (!mac || mac.length !== MAC_BYTES || !payload) return null;
  // crypto.subtle.verify compares in constant time.
  const ok = await crypto.subtle.verify("HMAC", await cursorKey(config, purpose), mac, enc.encode(JSON.stringify(covered(text))));
  return ok ? payload : null;
}
