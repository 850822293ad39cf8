/**
 * Dashboard sessions, stateless: the cookie holds the person's API key ENCRYPTED with AES-256-GCM (so the
 * key never appears in clear, in the browser or in a log of cookies) and is then signed with hono's signed
 * cookie (HMAC-SHA-256). Both keys are derived with HKDF from SESSION_SECRET (functions/shared/secret-keys.ts
 * says why it has no fallback). Chosen over a Redis session so the dashboard needs no extra store and no extra round trip;
 * the price is that "sign out" cannot revoke a copied cookie before it expires (SESSION_TTL_SECONDS), which
 * is bounded, and revoking the API key ends every session made with it at once (each page calls the API).
 */
import type { Context } from "hono";
import { deleteCookie, getSignedCookie, setSignedCookie } from "hono/cookie";
import type { Scope } from "../shared/auth/scopes.ts";
import type { Env } from "../shared/env.ts";
import { fromBase64Url, toBase64Url } from "../shared/bytes.ts";
import { hkdfParams, secretBase, sessionSecret } from "../shared/secret-keys.ts";

export const SESSION_COOKIE = "eatmyurl_session";
export const SESSION_TTL_SECONDS = 12 * 3600;

export interface Session {
  /** The API key every dashboard action is made with. */
  key: string;
  /** What the key held at sign-in (functions/dashboard/probe-scopes.ts); decides only which pages are offered. */
  scopes: Scope[];
  /** Epoch seconds after which the session is refused even if the browser still sends it. */
  exp: number;
}

interface SessionKeys {
  sign: Uint8Array;
  seal: CryptoKey;
}

const enc = new TextEncoder();
// Isolate-lifetime memo: HKDF costs a few WebCrypto calls; the secret is fixed per deployment.
let memo: { secret: string; keys: Promise<SessionKeys> } | undefined;

function sessionKeys(config: Env): Promise<SessionKeys> {
  const secret = sessionSecret(config);
  if (memo?.secret !== secret) memo = { secret, keys: deriveKeys(config) };
  return memo.keys;
}

async function deriveKeys(config: Env): Promise<SessionKeys> {
  const base = await secretBase(config);
  const params = (info: string) => hkdfParams("eatmyurl dashboard session", info);
  const sign = new Uint8Array(await crypto.subtle.deriveBits(params("cookie signature"), base, 256));
  const seal = await crypto.subtle.deriveKey(params("cookie encryption"), base, { name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"]);
  return { sign, seal };
}


export async function sealSession(config: Env, session: Session): Promise<string> {
  const { seal } = await sessionKeys(config);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  // The cookie name is bound as associated data: a sealed value cannot be replayed under another name.
  const ct = await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: enc.encode(SESSION_COOKIE) }, seal, enc.encode(JSON.stringify(session)));
  const out = new Uint8Array(iv.length + ct.byteLength);
  out.set(iv);
  out.set(new Uint8Array(ct), iv.length);
  return toBase64Url(out);
}

export async function openSession(config: Env, sealed: string, now = Date.now()): Promise<Session | null> {
  try {
    const { seal } = await sessionKeys(config);
    const bytes = fromBase64Url(sealed);
    if (!bytes) return null;
    const plain = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: bytes.subarray(0, 12), additionalData: enc.encode(SESSION_COOKIE) },
      seal,
      bytes.subarray(12),
    );
    const s = JSON.parse(new TextDecoder().decode(plain)) as Session;
    if (typeof s.key !== "string" || !Array.isArray(s.scopes) || typeof s.exp !== "number") return null;
    return s.exp * 1000 > now ? s : null;
  } catch {
    return null; // tampered, truncated, or sealed with another secret
  }
}

const secure = (c: Context) => new URL(c.req.url).protocol === "https:";

export async function startSession(c: Context, config: Env, s: Omit<Session, "exp">): Promise<void> {
  const session: Session = { ...s, exp: Math.floor(Date.now() / 1000) + SESSION_TTL_SECONDS };
  const { sign } = await sessionKeys(config);
  await setSignedCookie(c, SESSION_COOKIE, await sealSession(config, session), sign, {
    path: "/app",
    httpOnly: true,
    secure: secure(c),
    sameSite: "Strict",
    maxAge: SESSION_TTL_SECONDS,
  });
}

export async function readSession(c: Context, config: Env): Promise<Session | null> {
  const { sign } = await sessionKeys(config);
  const value = await getSignedCookie(c, sign, SESSION_COOKIE);
  return value ? openSession(config, value) : null;
}

export function endSession(c: Context): void {
  deleteCookie(c, SESSION_COOKIE, { path: "/app", httpOnly: true, secure: secure(c), sameSite: "Strict" });
}
