/**
 * The key a visitor hash is stored under in visitor_days: the ingest aggregates first visits by it, and the
 * tests derive the stored keys the same way.
 */
const HEX64 = /^[0-9a-f]{16}/;
const encoder = new TextEncoder();

/**
 * The 64-bit key of a visitor hash in visitor_days (signed, as Postgres bigint, in decimal): the hash's first
 * 16 hex digits, as migration 0003 converted the stored ones. Anything else (the redirect writes only hex)
 * gets FNV-1a over its UTF-8, so it still has a stable key.
 */
export function visitorKey(visitor: string): string {
  if (HEX64.test(visitor)) return BigInt.asIntN(64, BigInt(`0x${visitor.slice(0, 16)}`)).toString();
  let h = 0xcbf29ce484222325n;
  for (const b of encoder.encode(visitor)) h = BigInt.asUintN(64, (h ^ BigInt(b)) * 0x100000001b3n);
  return BigInt.asIntN(64, h).toString();
}
