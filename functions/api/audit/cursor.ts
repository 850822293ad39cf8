/**
 * Audit page cursors: base64url(seq) "." base64url(HMAC-SHA-256), the MAC over the position and the filters
 * of the page that issued it, under a key derived from SESSION_SECRET (functions/shared/secret-keys.ts), as
 * the links list's cursors (functions/api/links/cursor.ts): a cursor this deployment did not issue, or one
 * issued for other filters, is refused before anything in it is read.
 */
import { fromBase64Url, toBase64Url } from "../../shared/bytes.ts";
import type { Env } from "../../shared/env.ts";
import { hkdfParams, secretBase } from "../../shared/secret-keys.ts";

/** The filters a cursor is bound to, as the query sent them. */
export type AuditCursorFilters = Partial<Record<"actor" | "action" | "target" | "from" | "to", string>>;

const MAC_BYTES = 32;
const enc = new TextEncoder();

// Isolate-lifetime memo of the HMAC key, per HKDF base key (that is, per SESSION_SECRET).
const keys = new WeakMap<CryptoKey, Promise<CryptoKey>>();

async function cursorKey(config: Env): Promise<CryptoKey> {
  const base = await secretBase(config);
  let key = keys.get(base);
  if (!key) {
    key = crypto.subtle.deriveKey(hkdfParams("eatmyurl list cursor", "audit v1"), base, { name: "HMAC", hash: "SHA-256", length: 256 }, false, [
      "sign",
      "verify",
    ]);
    keys.set(base, key);
  }
  return key;
}

const signed = (payload: string, f: AuditCursorFilters) =>
  enc.encode(JSON.stringify(["audit-cursor-v1", payload, f.actor ?? null, f.action ?? null, f.target ?? null, f.from ?? null, f.to ?? null]));

export async function encodeAuditCursor(config: Env, seq: number, filters: AuditCursorFilters): Promise<string> {
  const payload = toBase64Url(enc.encode(String(seq)));
  const mac = await crypto.subtle.sign("HMAC", await cursorKey(config), signed(payload, filters));
  return `${payload}.${toBase64Url(new Uint8Array(mac))}`;
}

/** The seq of a cursor this deployment issued for these filters, or null for any other string. */
export async function decodeAuditCursor(config: Env, cursor: string, filters: AuditCursorFilters): Promise<number | null> {
  const parts = cursor.split(".");
  if (parts.length !== 2) return null;
  const [payload, macText] = parts;
  const mac = fromBase64Url(macText);
  const bytes = payload ? fromBase64Url(payload) : null;
  if (!mac || mac.length !== MAC_BYTES || !bytes) return null;
  // crypto.subtle.verify compares in constant time.
  if (!(await crypto.subtle.verify("HMAC", await cursorKey(config), mac, signed(payload, filters)))) return null;
  const text = new TextDecoder().decode(bytes);
  const seq = Number(text);
  return /^[1-9]\d{0,15}$/.test(text) && Number.isSafeInteger(seq) ? seq : null;
}
