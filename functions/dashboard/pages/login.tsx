import { readForm } from "../forms.ts";
import { bodyLimit } from "hono/body-limit";
import type { Scope } from "../../shared/auth/scopes.ts";
import { problem, problemResponse } from "../../shared/errors.ts";
import { SessionRejected } from "../api-client.ts";
import { probeScopes } from "../probe-scopes.ts";
import { Field } from "../components/field.tsx";
import { oidcSettings } from "../oidc/settings.ts";
import { Layout, page } from "../components/layout.tsx";
import type { Dash } from "../dash-env.ts";
import { noticeOf, withNotice } from "../notices.ts";
import { endSession, startSession } from "../session.ts";
import { revokePersonSession } from "../oidc/sign-out.ts";

/**
 * Only our own pages are followed after sign-in: `next` must be a path under /app (no open redirect), in
 * printable ASCII (a decoded CR or LF would put a header in the Location, which the runtime refuses with a 500).
 */
export function safeNext(next: unknown): string | null {
  return typeof next === "string" && /^[\x21-\x7e]+$/.test(next) && /^\/app(\/[^/\\]|$|\?)/.test(next) &&
    !/\.\.|\\/.test(next) && !next.startsWith("/app/login")
    ? next
    : null;
}

/** The first page a key can use: its links, else analytics, else (an admin-only key) the keys page. */
export function home(scopes: readonly Scope[]): string {
  if (scopes.includes("admin") || scopes.includes("links:read")) return "/app/links";
  if (scopes.includes("analytics:read")) return "/app/stats";
  return "/app/links";
}

/** "Sign in with <provider>", when single sign-on is configured (functions/dashboard/pages/login-oidc.tsx). */
const SsoButton = (p: { provider?: string; next: string }) =>
  p.provider ? (
    <p class="buttons">
      <a class="button primary" href={`/app/login/oidc${p.next ? `?next=${encodeURIComponent(p.next)}` : ""}`}>Sign in with {p.provider}</a>
    </p>
  ) : null;

const providerName = (config: Parameters<typeof oidcSettings>[0]) => oidcSettings(config)?.providerName;

const LoginPage = (p: { next: string; error?: string; notice?: string; provider?: string }) => (
  <Layout title="Sign in" notice={p.notice}>
    <section class="card narrow">
      <h1>Sign in</h1>
      <SsoButton provider={p.provider} next={p.next} />
      <p>{p.provider ? "Or use" : "Use"} an API key. Its scopes decide what you can see and change here, exactly as in the API.</p>
      <form method="post" action="/app/login">
        <input type="hidden" name="next" value={p.next} />
        <Field name="key" label="API key" type="password" autocomplete="current-password" required error={p.error}
          hint="A new deployment's first key is its ADMIN_API_KEY setting." />
        <button type="submit" class="primary">Sign in</button>
      </form>
    </section>
  </Layout>
);

export function registerLogin(dash: Dash) {
  dash.get("/login", (c) => {
    if (c.var.session) return c.redirect(safeNext(c.req.query("next")) ?? home(c.var.session.scopes), 303);
    const notice = noticeOf(c);
    return page(c, <LoginPage next={safeNext(c.req.query("next")) ?? ""} notice={notice} provider={providerName(c.var.config)} />);
  });

  // Unauthenticated: a sign-in form is a key and a path; 8 KiB, answered here (the dashboard's onError would make it a 500).
  dash.post("/login", bodyLimit({ maxSize: 8 * 1024, onError: () => problemResponse(problem(413, "The sign-in form is larger than 8 KiB.")) }), async (c) => {
    const form = await readForm(c);
    const key = typeof form.key === "string" ? form.key.trim() : "";
    const next = safeNext(form.next);
    if (!key) return page(c, <LoginPage next={next ?? ""} error="Enter an API key." />, 400);
    // The API decides whether the key is valid: the same check as every API call.
    let probed;
    try {
      probed = await probeScopes(c.var.api.withKey(key));
    } catch (e) {
      if (!(e instanceof SessionRejected)) throw e;
      return page(c, <LoginPage next={next ?? ""} error={e.detail} />, 400);
    }
    if ("failure" in probed) return page(c, <LoginPage next={next ?? ""} error={probed.failure} />, 503);
    await startSession(c, c.var.config, { key, scopes: probed.scopes });
    return c.redirect(next ?? home(probed.scopes), 303);
  });

  dash.post("/logout", async (c) => {
    await revokePersonSession(c);
    endSession(c);
    return c.redirect(withNotice("/app/login", "signed-out"), 303);
  });
}
