/**
 * Link passwords: salted PBKDF2-SHA-256 through WebCrypto, stored as
 * "pbkdf2-sha256$<iterations>$<salt b64>$<hash b64>", compared in constant time. The iterations travel with
 * each hash, so a hash made with other parameters still verifies; new hashes use PASSWORD_ITERATIONS, which
 * follows from PLAN (functions/shared/plan.ts: what one check costs is measured by bench/cpu.ts, and Workers Free
 * gives a request 10 ms of CPU). An unlock that finds its hash made with other parameters rehashes it
 * (functions/redirect/rehash.ts). Guessing is bounded by the per-link and per-client failure limits
 * (serve-link.ts), not by the iterations alone.
 */
const enc = new TextEncoder();

/** workerd refuses PBKDF2 above this many iterations. */
export const MAX_PASSWORD_ITERATIONS = 100_000;

const b64 = (buf: ArrayBuffer | Uint8Array) => btoa(String.fromCharCode(...new Uint8Array(buf)));
const unb64 = (s: string) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));

async function derive(password: string, salt: Uint8Array<ArrayBuffer>, iterations: number): Promise<ArrayBuffer> {
  const key = await crypto.subtle.importKey("raw", enc.encode(password), "PBKDF2", false, ["deriveBits"]);
  return crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt, iterations }, key, 256);
}

/** A new hash of `password` with `iterations`: the Worker passes PASSWORD_ITERATIONS of its config. */
export async function hashPassword(password: string, iterations = MAX_PASSWORD_ITERATIONS): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  return `pbkdf2-sha256$${iterations}$${b64(salt)}$${b64(await derive(password, salt, iterations))}`;
}

/** The parameters a stored hash was made with; null when it is not one of ours. */
export function hashParameters(stored: string): { scheme: "pbkdf2-sha256"; iterations: number } | null {
  const [scheme, iter, salt, hash] = stored.split("$");
  const iterations = Number(iter);
  if (scheme !== "pbkdf2-sha256" || !Number.isInteger(iterations) || iterations < 1 || !salt || !hash) return null;
  return { scheme, iterations };
}

/** True when `stored` was made with other parameters than a new hash would be (a successful unlock rehashes it). */
export function needsRehash(stored: string, iterations: number): boolean {
  return hashParameters(stored)?.iterations !== iterations;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const params = hashParameters(stored);
  if (!params) return false;
  const [, , salt, hash] = stored.split("$");
  const expected = unb64(hash);
  const actual = new Uint8Array(await derive(password, unb64(salt), params.iterations));
  return actual.byteLength === expected.byteLength && crypto.subtle.timingSafeEqual(actual, expected);
}
