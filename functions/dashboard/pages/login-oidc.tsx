/**
 * Signing in through the organisation's identity provider (OpenID Connect; docs/teams.md). GET
 * /app/login/oidc sends the browser to the provider; the provider sends it back to /app/login/oidc/callback.
 * That return is a cross-site navigation, on which the browser withholds the SameSite=Strict session cookie
 * it is given; so the callback answers a page that moves on by itself (a meta refresh: the CSP forbids
 * inline script) rather than a redirect, and the next request, same-site, carries the cookie.
 */
import type { Context } from "hono";
import type { AppEnv } from "../../shared/app-env.ts";
import { checkRateLimit, peekRateLimit } from "../../shared/rate-limit.ts";
import { clientIp, ipHash } from "../../shared/visitor.ts";
import { Layout, page } from "../components/layout.tsx";
import type { Dash } from "../dash-env.ts";
import { SESSION_TTL_SECONDS, startSession } from "../session.ts";
import { beginSignIn, finishSignIn, type Identity } from "../oidc/client.ts";
import { admit, auditSignInFailure } from "../oidc/admit.ts";
import { clearFlowCookie, readFlowCookie, setFlowCookie } from "../oidc/flow-cookie.ts";
import { oidcSettings } from "../oidc/settings.ts";
import { home, safeNext } from "./login.tsx";

export const OIDC_CALLBACK_PATH = "/app/login/oidc/callback";

const Refused = (p: { title: string; reason: string }) => (
  <Layout title={p.title}>
    <section class="card narrow">
      <h1>{p.title}</h1>
      <p>{p.reason}</p>
      <p><a href="/app/login">Back to sign-in</a></p>
    </section>
  </Layout>
);

const SignedIn = (p: { next: string }) => (
  <html lang="en">
    <head>
      <meta charset="utf-8" />
      <meta http-equiv="refresh" content={`0; url=${p.next}`} />
      <title>Signed in · EatMyURL</title>
      <link rel="stylesheet" href="/assets/app.css" />
    </head>
    <body>
      <main id="main"><p>Signed in. <a href={p.next}>Continue</a></p></main>
    </body>
  </html>
);

/** The provider could not be reached or answered nonsense: nothing to do with who is signing in. */
const unreachable = (e: unknown) => e instanceof TypeError || (e instanceof DOMException && (e.name === "TimeoutError" || e.name === "AbortError"));

export function registerOidcLogin(dash: Dash) {
  dash.get("/login/oidc", async (c) => {
    const settings = oidcSettings(c.var.config);
    if (!settings) return page(c, <Refused title="Not configured" reason="Single sign-on is not configured here: sign in with an API key." />, 404);
    const redirectUri = new URL(OIDC_CALLBACK_PATH, c.req.url).href;
    let started;
    try {
      started = await beginSignIn(settings, redirectUri, safeNext(c.req.query("next")) ?? "");
    } catch (e) {
      console.error(`sign-in: the identity provider at ${settings.issuer.href} could not be used:`, e instanceof Error ? e.message : e);
      return page(c, <Refused title="Sign-in unavailable" reason="The identity provider could not be reached. Try again in a moment." />, 503);
    }
    await setFlowCookie(c, c.var.config, started.flow);
    c.header("cache-control", "no-store");
    return c.redirect(started.url.href, 302);
  });

  dash.get("/login/oidc/callback", async (c) => {
    const settings = oidcSettings(c.var.config);
    if (!settings) return page(c, <Refused title="Not configured" reason="Single sign-on is not configured here: sign in with an API key." />, 404);
    const flow = await readFlowCookie(c, c.var.config);
    clearFlowCookie(c); // one use: a reloaded or replayed callback starts over
    // Nothing the provider vouched for yet: no audit entry, which anyone could otherwise write at will.
    if (!flow || c.req.query("state") !== flow.state) {
      return page(c, <Refused title="Sign-in expired" reason="This sign-in was not started in this browser, or took too long. Start again." />, 400);
    }
    // Refused sign-ins count as failed authentications of this address (AUTH_FAILURES_PER_MINUTE): past the
    // budget, a callback neither reaches the provider nor writes to the audit log.
    const who = await ipHash(c.var.redis, Date.now(), clientIp(c.req.raw.headers));
    // The dashboard's context is the app's with more variables; the limiter reads only the app's.
    const appCtx = c as unknown as Context<AppEnv>;
    const budget = await peekRateLimit(appCtx, "authFailure", who);
    if (budget && !budget.success) {
      c.header("retry-after", String(Math.max(1, Math.ceil((budget.reset - Date.now()) / 1000))));
      return page(c, <Refused title="Too many attempts" reason="Too many refused sign-ins from this address. Try again in a minute." />, 429);
    }
    const failed = () => checkRateLimit(appCtx, "authFailure", who);
    let identity: Identity;
    try {
      identity = await finishSignIn(settings, flow, new URL(c.req.url));
    } catch (e) {
      if (unreachable(e)) {
        console.error(`sign-in: the identity provider at ${settings.issuer.href} could not be reached:`, e instanceof Error ? e.message : e);
        return page(c, <Refused title="Sign-in unavailable" reason="The identity provider could not be reached. Try again in a moment." />, 503);
      }
      const reason = e instanceof Error ? e.message : String(e);
      await Promise.all([auditSignInFailure(c.var.db(), `The provider's answer was refused: ${reason}`), failed()]);
      return page(c, <Refused title="Sign-in refused" reason="The identity provider's answer could not be accepted, so you are not signed in. Start again." />, 400);
    }
    const admission = await admit(c.var.db(), settings, identity, SESSION_TTL_SECONDS);
    if (!admission.ok) {
      await failed();
      return page(c, <Refused title="Sign-in refused" reason={admission.reason} />, 403);
    }
    const scopes = [...admission.principal.scopes];
    await startSession(c, c.var.config, { key: admission.token, scopes });
    return page(c, <SignedIn next={flow.next || home(scopes)} />);
  });
}
