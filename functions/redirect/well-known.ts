/**
 * GET /.well-known/apple-app-site-association and /.well-known/assetlinks.json of a domain: the JSON text the
 * domains API stored for the request's domain, byte for byte, as `application/json`, so iOS universal links
 * and Android app links open the app (docs/app-links.md). 404 when the domain has none, 503 when no store
 * answers; never a redirect (Apple and Google follow none). Public, like robots.txt: Apple's CDN and
 * Android's verifier fetch them without credentials.
 */
import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../shared/app-env.ts";
import { ApiError } from "../shared/errors.ts";
import { problemContent } from "../shared/problem-schema.ts";
import { getAppFiles } from "./app-files.ts";
import { lookupServices, orUnavailable } from "./serve-link.ts";

/**
 * Five minutes, as robots.txt: a changed file reaches a client that fetched it at most that much later, and
 * the validators and app installs that fetch it often do not reach the Worker each time.
 */
export const WELL_KNOWN_CACHE_CONTROL = "public, max-age=300";

const files = [
  {
    path: "/.well-known/apple-app-site-association",
    field: "aasa",
    name: "apple-app-site-association",
    summary: "The domain's Apple app site association (iOS universal links), as set with appleAppSiteAssociation",
    schema: z.record(z.string(), z.unknown()).openapi({ description: "The JSON object stored on the domain, byte for byte" }),
  },
  {
    path: "/.well-known/assetlinks.json",
    field: "assetLinks",
    name: "assetlinks.json",
    summary: "The domain's Digital Asset Links statements (Android app links), as set with assetLinks",
    schema: z.array(z.record(z.string(), z.unknown())).openapi({ description: "The JSON array stored on the domain, byte for byte" }),
  },
] as const;

const routeOf = (f: (typeof files)[number]) =>
  createRoute({
    method: "get",
    path: f.path,
    tags: ["redirect"],
    summary: f.summary,
    responses: {
      200: { description: f.name, content: { "application/json": { schema: f.schema } } },
      404: { description: `The domain has no ${f.name}`, content: problemContent },
      503: { description: "Neither Redis nor Postgres answered", content: problemContent },
    },
  });

export const appleAppSiteAssociationRoute = routeOf(files[0]);
export const assetLinksRoute = routeOf(files[1]);

export function registerWellKnown(app: OpenAPIHono<AppEnv>) {
  for (const [f, route] of [[files[0], appleAppSiteAssociationRoute], [files[1], assetLinksRoute]] as const) {
    app.openapi(route, async (c) => {
      const found = await orUnavailable(getAppFiles(lookupServices(c), new URL(c.req.url)));
      const body = found[f.field];
      // no-store: a file added a moment later must be seen by the next fetch (a validator's, say).
      if (body === null) throw new ApiError(404, `This domain has no ${f.name}.`, { headers: { "cache-control": "no-store" } });
      return c.body(body, 200, { "content-type": "application/json", "cache-control": WELL_KNOWN_CACHE_CONTROL, "x-content-type-options": "nosniff" }) as never;
    });
  }
}
