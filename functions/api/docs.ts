/**
 * GET /docs: Swagger UI over /openapi.json. The viewer's files are static assets copied from the pinned
 * swagger-ui-dist package (dev/docs-assets.ts) and served by the platform before the Worker runs; nothing
 * comes from a CDN, and the Content-Security-Policy lets the page load nothing but this origin.
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../shared/app-env.ts";

export const DOCS_ASSETS = "/docs/swagger-ui";

// validatorUrl: null, or Swagger UI would fetch a badge from an outside validator service.
const init = `window.ui = SwaggerUIBundle({ url: "/openapi.json", dom_id: "#swagger-ui", deepLinking: true, validatorUrl: null });`;

const page = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>EatMyURL API</title>
  <link rel="icon" type="image/png" href="${DOCS_ASSETS}/favicon-32x32.png">
  <link rel="stylesheet" href="${DOCS_ASSETS}/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="${DOCS_ASSETS}/swagger-ui-bundle.js"></script>
  <script>${init}</script>
</body>
</html>
`;

// Isolate-lifetime memo of the inline script's CSP hash: constant text, computed once.
let scriptHash: Promise<string> | undefined;
async function sha256Base64(s: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(s));
  return btoa(String.fromCharCode(...new Uint8Array(digest)));
}

export function registerDocs(app: OpenAPIHono<AppEnv>) {
  app.get("/docs", async (c) => {
    const hash = await (scriptHash ??= sha256Base64(init));
    c.header(
      "content-security-policy",
      `default-src 'self'; script-src 'self' 'sha256-${hash}'; style-src 'self' 'unsafe-inline'; ` +
        `img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'`,
    );
    return c.html(page);
  });
}
