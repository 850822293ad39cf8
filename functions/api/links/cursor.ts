/**
 * Opaque list cursors: base64url(JSON [createdAt, id]) "." base64url(HMAC-SHA-256). The MAC covers the
 * position and the q, tag and domain filters of the page that issued it, under a key derived from SESSION_SECRET
 * (functions/shared/secret-keys.ts). A cursor is checked before any of it is parsed, so a cursor this
 * deployment did not issue, or one issued for other filters, is a 400 without reaching the JSON parser or
 * Postgres; the position is still checked strictly after the MAC, in case a key ever signs a bad one.
 */
import { fromBase64Url, toBase64Url } from "../../shared/bytes.ts";
import type { ListPosition } from "../../../db/queries/links.ts";
import type { Env } from "../../shared/env.ts";
import { hkdfParams, secretBase } from "../../shared/secret-keys.ts";

/** The filters a cursor is bound to: the next page must ask for the same ones. */
export interface CursorFilters {
  q?: string;
  tag?: string;
  domain?: string;
  createdBy?: string;
}

const MICRO_ISO = /^(\d{4})-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\d{3}Z$/;
const MAC_BYTES = 32;
const enc = new TextEncoder();

// Isolate-lifetime memo of the HMAC key, per HKDF base key (that is, per SESSION_SECRET).
const keys = new WeakMap<CryptoKey, Promise<CryptoKey>>();

async function cursorKey(config: Env): Promise<CryptoKey> {
  const base = await secretBase(config);
  let key = keys.get(base);
  if (!key) {
    key = crypto.subtle.deriveKey(
      hkdfParams("eatmyurl list cursor", "links v1"),
      base,
      { name: "HMAC", hash: "SHA-256", length: 256 },
      false,
      ["sign", "verify"],
    );
    keys.set(base, key);
  }
  return key;
}

/** What the MAC covers: the payload as sent and the filters, unambiguously (JSON of a fixed-shape array). */
const signed = (payload: string, f: CursorFilters) =>
  enc.encode(JSON.stringify(["links-cursor-v1", f.q ?? null, f.tag ?? null, payload, ...(f.domain === undefined ? [] : [f.domain]),
    ...(f.createdBy === undefined ? [] : [["createdBy", f.createdBy]])]));

export async function encodeCursor(config: Env, p: ListPosition, filters: CursorFilters): Promise<string> {
  const payload = toBase64Url(enc.encode(JSON.stringify([p.createdAt, p.id])));
  const mac = await crypto.subtle.sign("HMAC", await cursorKey(config), signed(payload, filters));
  return `${payload}.${toBase64Url(new Uint8Array(mac))}`;
}

/** The position of a cursor this deployment issued for these filters, or null for any other string. */
export async function decodeCursor(config: Env, cursor: string, filters: CursorFilters): Promise<ListPosition | null> {
  const parts = cursor.split(".");
  if (parts.length !== 2) return null;
  const [payload, macText] = parts;
  const mac = fromBase64Url(macText);
  if (!mac || mac.length !== MAC_BYTES || !payload || !fromBase64Url(payload)) return null;
  // crypto.subtle.verify compares in constant time.
  if (!(await crypto.subtle.verify("HMAC", await cursorKey(config), mac, signed(payload, filters)))) return null;
  return parsePosition(payload);
}

/** The position in a payload, or null unless it is exactly what listLinks writes: a UTC time Postgres can read, and an id. */
function parsePosition(payload: string): ListPosition | null {
  try {
    const bytes = fromBase64Url(payload);
    if (!bytes) return null;
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
