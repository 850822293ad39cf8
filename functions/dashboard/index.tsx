/**
 * The dashboard under /app: server-rendered pages (hono/jsx) that act through the API in process, with a
 * strict Content-Security-Policy (scripts and styles only from the Worker's own static assets), CSRF
 * protection (SameSite=Strict session cookie plus an Origin / Sec-Fetch-Site check on every POST) and a
 * sealed session cookie (session.ts).
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import { Hono } from "hono";
import { getCookie } from "hono/cookie";
import { csrf } from "hono/csrf";
import { HTTPException } from "hono/http-exception";
import { secureHeaders } from "hono/secure-headers";
import { isTimeZone } from "../analytics/zoned-time.ts";
import type { AppEnv } from "../shared/app-env.ts";
import { EnvError } from "../shared/env.ts";
import { onError } from "../shared/errors.ts";
import { apiClient, SessionRejected, type AppFetch } from "./api-client.ts";
import { Layout, page } from "./components/layout.tsx";
import type { DashEnv } from "./dash-env.ts";
import { withNotice } from "./notices.ts";
import { FormUnreadable } from "./forms.ts";
import { registerDomains } from "./pages/domains.tsx";
import { registerKeys } from "./pages/keys.tsx";
import { registerBlocklistPage } from "./pages/blocklist.tsx";
import { registerPeople } from "./pages/people.tsx";
import { registerWebhooksPage } from "./pages/webhooks.tsx";
import { registerAuditPage } from "./pages/audit.tsx";
import { registerLinkDelete } from "./pages/link-delete.tsx";
import { registerLinkDetail } from "./pages/link-detail.tsx";
import { registerLinkHalt } from "./pages/link-halt.tsx";
import { registerReportsPage } from "./pages/reports.tsx";
import { registerLinkEdit } from "./pages/link-edit.tsx";
import { registerLinkNew } from "./pages/link-new.tsx";
import { registerImport } from "./pages/import.tsx";
import { registerLinks } from "./pages/links.tsx";
import { home, registerLogin } from "./pages/login.tsx";
import { OIDC_CALLBACK_PATH, registerOidcLogin } from "./pages/login-oidc.tsx";
import { registerQr } from "./pages/qr.ts";
import { registerStatsData } from "./pages/stats-data.ts";
import { registerStats } from "./pages/stats.tsx";
import { registerTagsPage } from "./pages/tags.tsx";
import { endSession, readSession } from "./session.ts";

/** Paths reachable without a session. */
const PUBLIC = new Set(["/app/login", "/app/login/oidc", OIDC_CALLBACK_PATH]);

export function registerDashboard(app: OpenAPIHono<AppEnv>) {
  const dash = new Hono<DashEnv>();
  const fetchApp: AppFetch = (req, env, ctx) => app.fetch(req, env, ctx);

  dash.use(
    "*",
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        // https: for a link's preview card image (its mock-up on the link pages); nothing else loads one.
        imgSrc: ["'self'", "data:", "https:"],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        objectSrc: ["'none'"],
      },
      referrerPolicy: "same-origin",
    }),
  );
  dash.use("*", csrf());
  dash.use("*", async (c, next) => {
    const wanted = c.req.query("tz") ?? getCookie(c, "tz");
    c.set("tz", wanted && isTimeZone(wanted) ? wanted : "UTC");
    const session = await readSession(c, c.var.config);
    c.set("api", apiClient(fetchApp, c, session?.key ?? null));
    if (session) {
      c.set("session", session);
    } else if (!PUBLIC.has(c.req.path)) {
      const next = c.req.method === "GET" ? `?next=${encodeURIComponent(c.req.path + new URL(c.req.url).search)}` : "";
      return c.redirect(`/app/login${next}`, 303);
    }
    await next();
  });

  dash.get("/", (c) => c.redirect(home(c.var.session.scopes), 303));
  registerLogin(dash);
  registerOidcLogin(dash);
  registerLinks(dash);
  registerLinkNew(dash);
  registerImport(dash);
  registerQr(dash);
  registerStatsData(dash);
  registerStats(dash);
  registerLinkEdit(dash);
  registerLinkDelete(dash);
  registerLinkHalt(dash);
  registerLinkDetail(dash);
  registerTagsPage(dash);
  registerKeys(dash);
  registerDomains(dash);
  registerWebhooksPage(dash);
  registerPeople(dash);
  registerAuditPage(dash);
  registerBlocklistPage(dash);
  registerReportsPage(dash);
  dash.all("*", (c) => page(c, <Layout title="Not found" session={c.var.session}><h1>Not found</h1><p>No dashboard page is at this address. <a href="/app/links">Back to your links</a>.</p></Layout>, 404));

  dash.onError((err, c) => {
    if (err instanceof SessionRejected) {
      endSession(c);
      return c.redirect(withNotice("/app/login", "session-expired"), 303);
    }
    if (err instanceof HTTPException && err.status === 403) {
      // hono/csrf: a POST that did not come from one of our own pages.
      return page(c, <Layout title="Refused"><h1>Refused</h1><p>This form was not sent from an EatMyURL page, so nothing was changed. Go back, reload the page and try again.</p></Layout>, 403);
    }
    if (err instanceof FormUnreadable) {
      return page(c, <Layout title="Not understood" session={c.var.session}><h1>This form could not be read</h1><p>Nothing was changed. Go back, reload the page and try again.</p></Layout>, 400);
    }
    // A setting the deployment lacks (SESSION_SECRET, say): the app's problem+json that names it.
    if (err instanceof EnvError) return onError(err, c);
    console.error(`dashboard error on ${c.req.method} ${c.req.path}:`, err);
    return page(c, <Layout title="Error" session={c.var.session}><h1>Something went wrong</h1><p>The error has been logged. Try again in a moment.</p></Layout>, 500);
  });

  app.route("/app", dash);
}
