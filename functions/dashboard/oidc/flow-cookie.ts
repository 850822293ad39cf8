/**
 * The sign-in flow's state, nonce and PKCE verifier travel in a cookie between the redirect to the provider
 * and its callback, sealed with AES-256-GCM (a key derived from SESSION_SECRET for this purpose only), so the
 * browser can neither read nor change them. SameSite=Lax: the callback is a cross-site navigation from the
 * provider, which a Strict cookie would not accompany. Limited to /app/login/oidc and to ten minutes.
 */
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { fromBase64Url, toBase64Url } from "../../shared/bytes.ts";
import type { Env } from "../../shared/env.ts";
import { hkdfParams, secretBase, sessionSecret } from "../../shared/secret-keys.ts";
import type { SignInFlow } from "./client.ts";

const FLOW_COOKIE = "eatmyurl_oidc";
const FLOW_PATH = "/app/login/oidc";
/** Seconds a person has to sign in at the provider. */
const FLOW_TTL_SECONDS = 600;

const enc = new TextEncoder();
// Isolate-lifetime memo: HKDF costs a few WebCrypto calls; the secret is fixed per deployment.
let memo: { secret: string; key: Promise<CryptoKey> } | undefined;

function flowKey(config: Env): Promise<CryptoKey> {
  const secret = sessionSecret(config);
  if (memo?.secret !== secret) {
    memo = {
      secret,
      key: secretBase(config).then((base) =>
        crypto.subtle.deriveKey(hkdfParams("eatmyurl dashboard session", "sign-in flow encryption"), base, { name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"])),
    };
  }
  return memo.key;
}

const secure = (c: Context) => new URL(c.req.url).protocol === "https:";
const aad = { additionalData: enc.encode(FLOW_COOKIE) };

export async function setFlowCookie(c: Context, config: Env, flow: SignInFlow): Promise<void> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const body = JSON.stringify({ ...flow, exp: Math.floor(Date.now() / 1000) + FLOW_TTL_SECONDS });
  const ct = await crypto.subtle.encrypt({ name: "AES-GCM", iv, ...aad }, await flowKey(config), enc.encode(body));
  const out = new Uint8Array(iv.length + ct.byteLength);
  out.set(iv);
  out.set(new Uint8Array(ct), iv.length);
  setCookie(c, FLOW_COOKIE, toBase64Url(out), { path: FLOW_PATH, httpOnly: true, secure: secure(c), sameSite: "Lax", maxAge: FLOW_TTL_SECONDS });
}

/** The flow this browser started, or null when absent, expired, tampered with or sealed with another secret. */
export async function readFlowCookie(c: Context, config: Env, now = Date.now()): Promise<SignInFlow | null> {
  const value = getCookie(c, FLOW_COOKIE);
  const bytes = value ? fromBase64Url(value) : null;
  if (!bytes || bytes.length < 13) return null;
  try {
    const plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv: bytes.subarray(0, 12), ...aad }, await flowKey(config), bytes.subarray(12));
    const f = JSON.parse(new TextDecoder().decode(plain)) as SignInFlow & { exp: number };
    if (typeof f.exp !== "number" || f.exp * 1000 <= now) return null;
    return { state: f.state, nonce: f.nonce, verifier: f.verifier, redirectUri: f.redirectUri, next: f.next };
  } catch {
    return null;
  }
}

export function clearFlowCookie(c: Context): void {
  deleteCookie(c, FLOW_COOKIE, { path: FLOW_PATH, httpOnly: true, secure: secure(c), sameSite: "Lax" });
}
