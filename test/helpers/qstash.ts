/**
 * Signs a request the way QStash does (Upstash-Signature: a JWT, HS256 with the signing key, iss "Upstash",
 * sub = destination URL, body = base64url SHA-256 of the body, iat/nbf/exp, jti), with test keys.
 */
export const QSTASH_KEYS = {
  QSTASH_CURRENT_SIGNING_KEY: "sig_current_test_0123456789abcdef",
  QSTASH_NEXT_SIGNING_KEY: "sig_next_test_fedcba9876543210",
};

const enc = new TextEncoder();
const b64url = (bytes: Uint8Array | ArrayBuffer) =>
  btoa(String.fromCharCode(...new Uint8Array(bytes))).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");

export async function signQStash(opts: {
  key: string;
  url: string;
  body?: string;
  /** Seconds from now; negative = already expired. */
  expiresIn?: number;
  notBeforeIn?: number;
  iss?: string;
}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const header = { alg: "HS256", typ: "JWT" };
  const payload = {
    iss: opts.iss ?? "Upstash",
    sub: opts.url,
    exp: now + (opts.expiresIn ?? 300),
    nbf: now + (opts.notBeforeIn ?? 0),
    iat: now,
    jti: crypto.randomUUID(),
    body: b64url(await crypto.subtle.digest("SHA-256", enc.encode(opts.body ?? ""))),
  };
  const input = `${b64url(enc.encode(JSON.stringify(header)))}.${b64url(enc.encode(JSON.stringify(payload)))}`;
  const key = await crypto.subtle.importKey("raw", enc.encode(opts.key), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return `${input}.${b64url(await crypto.subtle.sign("HMAC", key, enc.encode(input)))}`;
}
