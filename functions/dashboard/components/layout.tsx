import type { Context } from "hono";
import { raw } from "hono/html";
import { createContext, useContext, type Child, type FC, type PropsWithChildren } from "hono/jsx";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { Session } from "../session.ts";

type Nav = "links" | "tags" | "stats" | "keys" | "domains" | "webhooks" | "people" | "audit" | "blocklist" | "reports" | "";

interface LayoutProps {
  title: string;
  session?: Session;
  nav?: Nav;
  /** Extra stylesheets and scripts (the chart library's, on analytics pages), loaded before app.js. */
  styles?: string[];
  scripts?: string[];
  /** A short confirmation shown at the top ("Link created."). */
  notice?: string;
}

const isAdmin = (s?: Session) => !!s?.scopes.includes("admin");
const readsLinks = (s?: Session) => !!s?.scopes.some((x) => x === "links:read" || x === "admin");

/** The time zone the page was rendered in; the client script compares it with the browser's. */
const ZoneContext = createContext("UTC");

export const Layout: FC<PropsWithChildren<LayoutProps>> = ({ title, session, nav = "", styles = [], scripts = [], notice, children }) => (
  <html lang="en" data-tz={useContext(ZoneContext)}>
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <meta name="referrer" content="same-origin" />
      <title>{title} · EatMyURL</title>
      <link rel="icon" href="data:," />
      <link rel="stylesheet" href="/assets/app.css" />
      {styles.map((href) => <link rel="stylesheet" href={href} />)}
      {scripts.map((src) => <script src={src} defer></script>)}
      <script src="/assets/app.js" defer></script>
    </head>
    <body>
      <a class="skip" href="#main">Skip to content</a>
      <header class="top">
        <a class="brand" href="/app">EatMyURL</a>
        {session && (
          <nav aria-label="Main">
            <a href="/app/links" aria-current={nav === "links" ? "page" : undefined}>Links</a>
            {readsLinks(session) && <a href="/app/tags" aria-current={nav === "tags" ? "page" : undefined}>Tags</a>}
            <a href="/app/stats" aria-current={nav === "stats" ? "page" : undefined}>Analytics</a>
            {isAdmin(session) && <a href="/app/domains" aria-current={nav === "domains" ? "page" : undefined}>Domains</a>}
            {isAdmin(session) && <a href="/app/keys" aria-current={nav === "keys" ? "page" : undefined}>API keys</a>}
            {isAdmin(session) && <a href="/app/webhooks" aria-current={nav === "webhooks" ? "page" : undefined}>Webhooks</a>}
            {isAdmin(session) && <a href="/app/people" aria-current={nav === "people" ? "page" : undefined}>People</a>}
            {isAdmin(session) && <a href="/app/audit" aria-current={nav === "audit" ? "page" : undefined}>Audit log</a>}
            {isAdmin(session) && <a href="/app/blocklist" aria-current={nav === "blocklist" ? "page" : undefined}>Blocklist</a>}
            {isAdmin(session) && <a href="/app/reports" aria-current={nav === "reports" ? "page" : undefined}>Reports</a>}
            <form method="post" action="/app/logout" class="inline">
              <button type="submit" class="link-button">Sign out</button>
            </form>
          </nav>
        )}
      </header>
      <main id="main">
        {notice && <p class="notice" role="status">{notice}</p>}
        {children}
      </main>
    </body>
  </html>
);

/** Sends a page with its doctype. */
export function page(c: Context, node: Child, status = 200) {
  c.header("cache-control", "no-store");
  const tz = (c.get("tz") as string | undefined) ?? "UTC";
  return c.html(<>{raw("<!doctype html>")}<ZoneContext.Provider value={tz}>{node}</ZoneContext.Provider></>, status as ContentfulStatusCode);
}

/** The form-level error: the API's own words, announced to screen readers. */
export const FormError: FC<{ message?: string }> = ({ message }) =>
  message ? <p class="error-summary" role="alert" id="form-error">{message}</p> : null;
