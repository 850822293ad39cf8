/**
 * The pages a protected link answers with instead of its destination: the password form, and the page a
 * request that would not use up a click of a limited link gets (a HEAD, a bot, a link preview). Neither names
 * anything about the link (never the destination); the form posts back to the very URL it was served from (so
 * the short URL's query string survives), and every value interpolated is escaped by hono/html.
 */
import { html, raw } from "hono/html";
import { COMMON_HEADERS } from "./respond.ts";

/** The look of every page a short link answers with instead of a redirect (abuse-pages.ts too). */
const PAGE_STYLE = `body{font:16px/1.5 system-ui,sans-serif;margin:0;min-height:100vh;display:grid;place-items:center;background:#f6f7f9;color:#1b1f24}
main{background:#fff;padding:2rem;border-radius:12px;box-shadow:0 1px 4px #0002;width:min(22rem,90vw)}
h1{font-size:1.25rem;margin:0 0 .5rem}label{display:block;margin:1rem 0 .25rem;font-weight:600}
input{width:100%;box-sizing:border-box;padding:.6rem;font:inherit;border:1px solid #8a939e;border-radius:6px}
button{margin-top:1rem;width:100%;padding:.6rem;font:inherit;font-weight:600;border:0;border-radius:6px;background:#1f5fd6;color:#fff;cursor:pointer}
input:focus,button:focus{outline:3px solid #1f5fd688;outline-offset:1px}.error{color:#b3261e;margin:.75rem 0 0}`;

/**
 * The head of every page a short link (or the report form) answers with instead of a redirect: no script,
 * nothing loaded, inline style only. `title` is escaped; `style` is ours, never a visitor's.
 */
export function pageHead(title: string, style = "") {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${title}</title>
<style>${raw(PAGE_STYLE + style)}</style>
</head>`;
}

export function passwordPage(error?: string): string {
  const described = error ? "password-error" : undefined;
  return html`${pageHead("Password required")}
<body>
<main>
<h1>This link is protected</h1>
<p>Enter its password to continue.</p>
<form method="post">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required autofocus maxlength="1024"${
    described ? html` aria-invalid="true" aria-describedby="${described}"` : ""
  }>
${error ? html`<p id="password-error" class="error" role="alert">${error}</p>` : ""}
<button type="submit">Continue</button>
</form>
</main>
</body>
</html>
`.toString();
}

/**
 * Headers of the form page: never cached, never framed (clickjacking), no scripts at all. No CSP form-action:
 * browsers apply it to the redirect that follows a successful submission, which goes to another origin.
 */
export const PAGE_HEADERS = {
  ...COMMON_HEADERS,
  "content-type": "text/html; charset=utf-8",
  "cache-control": "no-store",
  "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'",
  "x-frame-options": "DENY",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
} as const;

export function passwordResponse(status: 200 | 401 | 429, error?: string, extra: Record<string, string> = {}): Response {
  return new Response(passwordPage(error), { status, headers: { ...PAGE_HEADERS, ...extra } });
}

const WITHHELD = html`${pageHead("Open this link in a browser")}
<body>
<main>
<h1>This link opens a limited number of times</h1>
<p>Its destination is shown only to a person who opens it in a browser.</p>
</main>
</body>
</html>
`.toString();

/** 200 without a Location: what a HEAD, a bot or a preview of a link with a click limit gets. */
export function withheldResponse(): Response {
  return new Response(WITHHELD, { status: 200, headers: PAGE_HEADERS });
}
