/**
 * Keys derived from SESSION_SECRET, the deployment's one random signing secret: dashboard session cookies
 * and list cursors are signed with keys made from it by HKDF, one per purpose. It must be random and
 * independent of ADMIN_API_KEY: a value anyone can obtain (a cookie, a cursor) whose HMAC were keyed by the
 * admin key would let its holder test guesses of that key offline. So there is no fallback: a feature that
 * needs it answers a configuration problem naming SESSION_SECRET until it is set (`npm run dev` makes one).
 */
import { EnvError, type Env } from "./env.ts";

const enc = new TextEncoder();

/** SESSION_SECRET, or the configuration error that names it. */
export function sessionSecret(config: Env): string {
  const secret = config.SESSION_SECRET;
  if (secret && secret !== config.ADMIN_API_KEY) return secret;
  const error = new EnvError([{
    path: "SESSION_SECRET",
    message: `${secret ? "must differ from ADMIN_API_KEY" : "is not set"}: set it to 32 or more random bytes (e.g. \`openssl rand -base64 32\`)`,
  }]);
  console.error(error.message);
  throw error;
}

// Isolate-lifetime memo of the HKDF base key: importing it costs a WebCrypto call; the secret is fixed per
// deployment (keyed by it, so a test or deploy with another secret never reuses it).
let base: { secret: string; key: Promise<CryptoKey> } | undefined;

/** The HKDF base key of SESSION_SECRET (throws the configuration error when unset). */
export function secretBase(config: Env): Promise<CryptoKey> {
  const secret = sessionSecret(config);
  if (base?.secret !== secret) {
    base = { secret, key: crypto.subtle.importKey("raw", enc.encode(secret), "HKDF", false, ["deriveBits", "deriveKey"]) };
  }
  return base.key;
}

/** HKDF-SHA-256 parameters of one purpose, under a fixed salt per use (`salt`). */
export const hkdfParams = (salt: string, info: string) => ({ name: "HKDF", hash: "SHA-256", salt: enc.encode(salt), info: enc.encode(info) });
