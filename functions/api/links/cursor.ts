/**
 * Opaque list cursors: base64url of JSON [createdAt, id]. Opaque so clients do not build them; validated on
 * the way back in so a tampered cursor is a 400, never a query error.
 */
import type { ListPosition } from "../../../db/queries/links.ts";

const MICRO_ISO = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3})\d{3}Z$/;

function toBase64Url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64Url(s: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]*$/.test(s)) throw new Error("not base64url");
  return Uint8Array.from(atob(s.replace(/-/g, "+").replace(/_/g, "/")), (ch) => ch.charCodeAt(0));
}

export function encodeCursor(p: ListPosition): string {
  return toBase64Url(new TextEncoder().encode(JSON.stringify([p.createdAt, p.id])));
}

/** The position a cursor names, or null when it is not one this service issued. */
export function decodeCursor(cursor: string): ListPosition | null {
  try {
    const value: unknown = JSON.parse(new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(fromBase64Url(cursor)));
    if (!Array.isArray(value) || value.length !== 2) return null;
    const [createdAt, id] = value;
    if (typeof createdAt !== "string" || typeof id !== "string" || id.length > 200 || id.includes("\u0000")) return null;
    const m = MICRO_ISO.exec(createdAt);
    // The round trip through Date rejects impossible dates (2026-02-30) that the pattern lets by.
    if (!m || Number.isNaN(Date.parse(`${m[1]}Z`)) || new Date(`${m[1]}Z`).toISOString() !== `${m[1]}Z`) return null;
    return { createdAt, id };
  } catch {
    return null;
  }
}
