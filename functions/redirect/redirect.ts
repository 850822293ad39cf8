/** GET and HEAD /{slug}: the edge redirect (Hono answers HEAD with this GET route, without the body). */
import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../shared/app-env.ts";
import { problemContent } from "../shared/problem-schema.ts";
import { redirectDoc, ShortPathParams, slugHook } from "./slug-route.ts";
import { serveLink } from "./serve-link.ts";

export const redirectRoute = createRoute({
  method: "get",
  path: "/{slug}",
  tags: ["redirect"],
  summary: "Follow a short link",
  description:
    "Redirects to the link's destination with the link's status (302 by default), forwarding the query string " +
    "(the destination's own parameters win on a clash). A link disabled by an admin answers 410 with an HTML page; one " +
    "with a warning answers a 200 page with a \"continue anyway\" link instead of redirecting (docs/abuse.md). " +
    "The destination is decided in this order: password " +
    "(a form first), expiry and click limit (410 or fallbackUrl), rules (the first whose conditions all match), " +
    "variants (by weight, the same for a visitor all UTC day), url. HEAD answers the same status and Location and is " +
    "recorded as a preview. A link-preview fetcher (Slack, X, WhatsApp, ...) of a link with a preview card gets the " +
    "card instead (200 HTML with Open Graph tags, never the destination; docs/previews.md). Temporary redirects are `Cache-Control: private, no-store`, permanent ones " +
    "`private, max-age=90`.",
  request: { params: ShortPathParams },
  responses: {
    200: {
      description: "The link is password-protected: an HTML form that posts the password back; or a link-preview fetcher gets the link's preview card; or the link carries a warning: a page with a \"continue anyway\" link",
      content: { "text/html": { schema: z.string() } },
    },
    301: redirectDoc("Permanent redirect (the link's redirectType)"),
    302: redirectDoc("Temporary redirect (default), or to the fallbackUrl of an expired or exhausted link"),
    307: redirectDoc("Temporary redirect keeping the method"),
    308: redirectDoc("Permanent redirect keeping the method"),
    404: { description: "No such link (or not a valid slug)", content: problemContent },
    410: {
      description: "Expired, or its click limit is reached, and no fallbackUrl (a problem); or disabled by an admin (an HTML page)",
      content: { ...problemContent, "text/html": { schema: z.string() } },
    },
    503: { description: "Neither Redis nor Postgres answered (or a click limit cannot be checked)", content: problemContent },
  },
});

export function registerRedirect(app: OpenAPIHono<AppEnv>) {
  app.openapi(redirectRoute, (c) => serveLink(c, c.req.valid("param").slug), slugHook);
}
