/**
 * Signing in through the run's real identity provider (dev/oidc-provider.ts) over plain HTTP: the Worker's
 * redirect, the provider's development sign-in and consent pages driven by fetch (redirects followed by hand,
 * its cookies carried), then the Worker's callback. Test-only: the provider can be told to spoil the next ID
 * token (tamper), to prove each kind is refused.
 */
import { inArray } from "drizzle-orm";
import { users } from "../../db/schema.ts";
import { DEV_PEOPLE, type DevLogin, type TamperMode } from "../../dev/oidc-people.ts";
import { withDb } from "./db.ts";
import { bindings } from "./env.ts";
import { call } from "./worker.ts";

/** The origin the tests reach the Worker on for sign-in: the provider knows its callback there. */
export const SSO_BASE = "http://127.0.0.1";
export const CALLBACK = `${SSO_BASE}/app/login/oidc/callback`;
export const ISSUER = String(bindings.OIDC_ISSUER);

/** The `name=value` pairs of a response's Set-Cookie headers (a cleared cookie gives an empty value). */
export function setCookies(res: Response): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of res.headers.getSetCookie()) {
    const [pair] = line.split(";");
    const i = pair.indexOf("=");
    out.set(pair.slice(0, i).trim(), pair.slice(i + 1));
  }
  return out;
}

const cookieHeader = (jar: Map<string, string>) => [...jar].filter(([, v]) => v !== "").map(([k, v]) => `${k}=${v}`).join("; ");

/** Starts a sign-in at the Worker: the provider's authorization URL and the flow cookie. */
export async function startSignIn(next?: string): Promise<{ authorize: URL; flowCookie: string }> {
  const res = await call("GET", `${SSO_BASE}/app/login/oidc${next ? `?next=${encodeURIComponent(next)}` : ""}`, { key: null });
  if (res.status !== 302) throw new Error(`the Worker answered ${res.status} to /app/login/oidc: ${await res.text()}`);
  const flow = setCookies(res).get("eatmyurl_oidc");
  if (!flow) throw new Error("no flow cookie");
  return { authorize: new URL(res.headers.get("location")!), flowCookie: `eatmyurl_oidc=${flow}` };
}

/** Signs `login` in at the provider (its sign-in form, then its consent page); the callback URL it sends back to. */
export async function signInAtProvider(authorize: URL, login: DevLogin): Promise<URL> {
  const jar = new Map<string, string>();
  let url = authorize;
  let init: RequestInit = {};
  for (let hop = 0; hop < 20; hop++) {
    const res = await fetch(url, { ...init, redirect: "manual", headers: { ...(init.headers as object), cookie: cookieHeader(jar) } });
    for (const [k, v] of setCookies(res)) jar.set(k, v);
    const location = res.headers.get("location");
    if (location) {
      await res.body?.cancel();
      const target = new URL(location, url);
      if (target.href.startsWith(CALLBACK)) return target;
      url = target;
      init = {};
      continue;
    }
    const html = await res.text();
    const action = html.match(/<form[^>]*action="([^"]+)"/)?.[1];
    const prompt = html.match(/name="prompt" value="(\w+)"/)?.[1];
    if (res.status !== 200 || !action || !prompt) throw new Error(`the provider answered ${res.status} at ${url}: ${html.slice(0, 500)}`);
    const form = new URLSearchParams(prompt === "login" ? { prompt, login, password: "any" } : { prompt });
    url = new URL(action, url);
    init = { method: "POST", body: form.toString(), headers: { "content-type": "application/x-www-form-urlencoded" } };
  }
  throw new Error("the provider never sent the browser back");
}

/** Spoils the ID token of the provider's next token response (dev/oidc-provider.ts TAMPER_MODES). */
export async function tamperNextIdToken(mode: TamperMode): Promise<void> {
  const res = await fetch(`${ISSUER}/__tamper?mode=${mode}`, { method: "POST" });
  if (res.status !== 204) throw new Error(`tamper switch answered ${res.status}`);
}

/** The Worker's callback, with the flow cookie this browser was given (and other headers, settings). */
export const callback = (url: URL, flowCookie: string, opts: { headers?: Record<string, string>; bindings?: Record<string, unknown> } = {}) =>
  call("GET", url.href, { key: null, headers: { ...opts.headers, cookie: flowCookie }, bindings: opts.bindings });

/** The whole sign-in of `login`: the callback's response and the session cookie it set (if any). */
export async function signInWithProvider(
  login: DevLogin,
  opts: { next?: string; tamper?: TamperMode; headers?: Record<string, string>; bindings?: Record<string, unknown> } = {},
) {
  const { authorize, flowCookie } = await startSignIn(opts.next);
  const back = await signInAtProvider(authorize, login);
  if (opts.tamper) await tamperNextIdToken(opts.tamper);
  const res = await callback(back, flowCookie, opts);
  const session = setCookies(res).get("eatmyurl_session");
  return { res, back, flowCookie, session: session ? `eatmyurl_session=${session}` : undefined };
}

/** Forgets the development people (their sessions go with them), so each test starts without them. */
export async function forgetDevPeople(): Promise<void> {
  await withDb((db) => db.delete(users).where(inArray(users.email, Object.values(DEV_PEOPLE).map((p) => p.email))));
}
