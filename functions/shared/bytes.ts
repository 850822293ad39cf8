/** Byte-level helpers shared by sessions, cursors, capture batches and the ingest's byte bounds. */

/** UTF-8 bytes of a string, without encoding it (TextEncoder would copy it). */
export function utf8Bytes(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) n += c >= 0x800 && (c < 0xd800 || c > 0xdfff) ? 2 : 1; // a surrogate pair: 4 bytes for 2
  }
  return n;
}

export function toBase64Url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

const B64URL = /^[A-Za-z0-9_-]*$/;

/** The bytes of base64url text, or null when it is not base64url. */
export function fromBase64Url(s: string): Uint8Array | null {
  // A length of 1 mod 4 is no base64 at all.
  if (!B64URL.test(s) || s.length % 4 === 1) return null;
  return Uint8Array.from(atob(s.replace(/-/g, "+").replace(/_/g, "/")), (ch) => ch.charCodeAt(0));
}
