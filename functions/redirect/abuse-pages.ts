/**
 * The pages an admin's decision puts in front of a link (docs/abuse.md): a disabled link's 410, and the warning
 * a link whose destination was reported as unsafe shows instead of redirecting. No script, nothing loaded
 * (CSP default-src 'none', inline style only), never framed; every value interpolated is escaped by hono/html.
 */
import { html } from "hono/html";
import { PAGE_HEADERS, pageHead } from "./protected-pages.ts";

const head = (title: string) =>
  pageHead(title, ".warn{border-left:4px solid #b3261e;padding-left:.75rem}a{color:#1f5fd6}.actions{display:flex;gap:1rem;flex-wrap:wrap;margin-top:1.25rem}");

/** 410: the link was disabled by an admin; the reason (theirs, escaped) when they gave one. */
export function disabledResponse(reason: string | null, method: string): Response {
  const body = html`${head("Link disabled")}
<body>
<main>
<h1>This link has been disabled</h1>
<p>The service that runs this short link turned it off, so it no longer leads anywhere.</p>
${reason ? html`<p class="warn">Reason: ${reason}</p>` : ""}
</main>
</body>
</html>
`.toString();
  return new Response(method === "HEAD" ? null : body, { status: 410, headers: PAGE_HEADERS });
}

/**
 * 200: the destination was reported as unsafe. A person gets "continue anyway" (the destination they would
 * have been sent to) and "go back" (`back`: the page they came from, else a blank page: going back without a
 * script needs an address); `destination` null (a fetcher, a bot, a HEAD) names no destination at all.
 */
export function warningResponse(warning: string, destination: string | null, back: string, method: string): Response {
  const body = html`${head("Warning: this link may be unsafe")}
<body>
<main>
<h1>This link may be unsafe</h1>
<p class="warn">This link's destination was reported as unsafe: ${warning}</p>
${destination === null
    ? html`<p>Open it in a browser to see where it leads.</p>`
    : html`<p>It leads to <code>${destination}</code>. Go on only if you trust it.</p>
<p class="actions"><a href="${back}">Go back</a> <a href="${destination}" rel="noopener noreferrer nofollow">Continue anyway</a></p>`}
</main>
</body>
</html>
`.toString();
  return new Response(method === "HEAD" ? null : body, { status: 200, headers: PAGE_HEADERS });
}

/** Where "go back" leads: the page the visitor came from when the browser said so (http or https), else a blank page. */
export function backTarget(referrer: string | null): string {
  if (!referrer) return "about:blank";
  try {
    const u = new URL(referrer);
    return u.protocol === "https:" || u.protocol === "http:" ? u.href : "about:blank";
  } catch {
    return "about:blank";
  }
}
