/**
 * Standard Webhooks signatures (what the `standardwebhooks` package verifies, test/node/webhooks.node.ts):
 * `webhook-signature` is `v1,` + base64 HMAC-SHA256 over `{webhook-id}.{webhook-timestamp}.{body}`, keyed by
 * the base64 bytes after `whsec_`; several signatures are space-separated (one per valid secret, during a
 * rotation). Secrets are stored sealed with AES-GCM under a key derived from SESSION_SECRET: signing needs
 * the secret itself, so a hash would not do; a database dump alone does not reveal them.
 */
import { fromBase64Url, toBase64Url } from "../shared/bytes.ts";
import type { Env } from "../shared/env.ts";
import { hkdfParams, secretBase, sessionSecret } from "../shared/secret-keys.ts";

const enc = new TextEncoder();
export const SECRET_PREFIX = "whsec_";

const toBase64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));

/** A new secret: `whsec_` + base64 of 24 random bytes. */
export function newSecret(): string {
  return SECRET_PREFIX + toBase64(crypto.getRandomValues(new Uint8Array(24)));
}

// Isolate-lifetime memo of imported HMAC keys: a delivery run signs many bodies with few secrets.
const hmacKeys = new Map<string, Promise<CryptoKey>>();

function hmacKey(secret: string): Promise<CryptoKey> {
  let key = hmacKeys.get(secret);
  if (!key) {
    const raw = Uint8Array.from(atob(secret.slice(SECRET_PREFIX.length)), (c) => c.charCodeAt(0));
    key = crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    if (hmacKeys.size > 1000) hmacKeys.clear();
    hmacKeys.set(secret, key);
  }
  return key;
}

/** The three Standard Webhooks headers of one attempt, signed with every secret given (current first). */
export async function signedHeaders(secrets: string[], id: string, body: string, now = Date.now()): Promise<Record<string, string>> {
  const timestamp = String(Math.floor(now / 1000));
  const content = enc.encode(`${id}.${timestamp}.${body}`);
  const signatures = await Promise.all(
    secrets.map(async (s) => `v1,${toBase64(new Uint8Array(await crypto.subtle.sign("HMAC", await hmacKey(s), content)))}`),
  );
  return { "webhook-id": id, "webhook-timestamp": timestamp, "webhook-signature": signatures.join(" ") };
}

let sealKey: { secret: string; key: Promise<CryptoKey> } | undefined;

function sealingKey(config: Env): Promise<CryptoKey> {
  const secret = sessionSecret(config);
  if (sealKey?.secret !== secret) {
    sealKey = {
      secret,
      key: secretBase(config).then((base) =>
        crypto.subtle.deriveKey(hkdfParams("eatmyurl webhooks", "secret encryption"), base, { name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"])),
    };
  }
  return sealKey.key;
}

/** The secret sealed for storage, bound to its endpoint id (a sealed value cannot be moved to another endpoint). */
export async function sealSecret(config: Env, endpointId: string, secret: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ct = await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: enc.encode(endpointId) }, await sealingKey(config), enc.encode(secret));
  const out = new Uint8Array(12 + ct.byteLength);
  out.set(iv);
  out.set(new Uint8Array(ct), 12);
  return toBase64Url(out);
}

/** The stored secret opened; throws when it was sealed under another SESSION_SECRET or altered. */
export async function openSecret(config: Env, endpointId: string, sealed: string): Promise<string> {
  const bytes = fromBase64Url(sealed);
  if (!bytes || bytes.length < 13) throw new Error("a webhook secret in the database is not a sealed value");
  const plain = await crypto.subtle.decrypt(
    { name: "AES-GCM", iv: bytes.subarray(0, 12), additionalData: enc.encode(endpointId) },
    await sealingKey(config),
    bytes.subarray(12),
  );
  return new TextDecoder().decode(plain);
}
