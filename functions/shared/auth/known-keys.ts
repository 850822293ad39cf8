/**
 * Which key hashes are ours, known without the per-key lookup that the failed-authentication limit protects.
 * Behind one address sit offices, schools, carrier NAT and shared CI runners: once wrong keys from there
 * have spent the address's budget, a colleague's good key must still work. A refused client's key is let
 * through to the real lookup (which still checks revocation) only when its hash is in this set, so the work
 * of wrong keys stays bounded: at most one query per isolate every REFRESH_MS, whatever they send.
 */
import { activeKeyHashes } from "../../../db/queries/api-keys.ts";
import type { Db } from "../../../db/client.ts";

/** How long a snapshot serves: a key minted since is recognised after at most this long. */
const REFRESH_MS = 30_000;
/** Keys a snapshot holds at most (64 hex characters each: about 8 MB at this bound). */
const MAX_KEYS = 100_000;

// Isolate-lifetime snapshot of the active keys' hashes, loaded only while some client is refused; plain
// strings, bounded by MAX_KEYS. A failed load is remembered as empty for the same while (fail closed:
// a refused client stays refused, as before this existed).
let snapshot: { at: number; hashes: Promise<Set<string>> } | undefined;
// Hashes that authenticated in this isolate: recognised with no query at all.
const seen = new Set<string>();

/** Remembers a hash that just authenticated. */
export function noteKnownKey(hash: string) {
  if (seen.size >= 10_000) seen.clear();
  seen.add(hash);
}

/** Forgets a hash whose lookup failed (revoked since), so it is not let through again on memory alone. */
export const forgetKnownKey = (hash: string) => seen.delete(hash);

/** Is `hash` the hash of one of our keys (revoked ones possibly included until the next snapshot)? */
export async function isKnownKey(db: () => Db, hash: string, now = Date.now()): Promise<boolean> {
  if (seen.has(hash)) return true;
  if (!snapshot || now - snapshot.at >= REFRESH_MS) {
    const hashes = activeKeyHashes(db(), MAX_KEYS).then(
      (rows) => new Set(rows),
      (e: unknown) => {
        console.error("known key hashes not loaded (refused clients stay refused):", e instanceof Error ? e.message : e);
        return new Set<string>();
      },
    );
    snapshot = { at: now, hashes };
  }
  return (await snapshot.hashes).has(hash);
}
