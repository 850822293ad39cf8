/** The Hono app: middleware, then every route, each registered from its own file. */
import { OpenAPIHono } from "@hono/zod-openapi";
import { registerHealthz } from "./api/healthz.ts";
import { registerApi } from "./api/index.ts";
import { registerShlink, SHLINK_PATHS, shlinkCors } from "./api/shlink/index.ts";
import { MAX_BULK_BODY_BYTES } from "./api/links/bulk.ts";
import { ingestFlushRoute, MAX_FLUSH_BODY_BYTES } from "./api/ingest/flush.ts";
import { limitBody } from "./api/openapi.ts";
import { importLinksRoute } from "./api/links/import.ts";
import { MAX_IMPORT_CSV_BYTES } from "./imports/source.ts";
import { registerDashboard } from "./dashboard/index.tsx";
import { registerRedirect } from "./redirect/redirect.ts";
import { registerRobots } from "./redirect/robots.ts";
import { registerRoot } from "./redirect/root.ts";
import { registerUnlock } from "./redirect/unlock.ts";
import { registerWellKnown } from "./redirect/well-known.ts";
import { registerReportPage } from "./reports/report-page.ts";
import type { AppEnv } from "./shared/app-env.ts";
import { ApiError, onError } from "./shared/errors.ts";
import { services } from "./shared/services.ts";
import { validationHook } from "./shared/validation.ts";

/** Above the largest body a route accepts (a bulk create, 2 MiB), so each route's own limit is the one it answers. */
export const MAX_ANY_BODY_BYTES = 2 * MAX_BULK_BODY_BYTES;

export function createApp() {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  app.onError(onError);
  app.notFound((c) => { throw new ApiError(404, `Nothing is at ${c.req.path}.`); });
  // A net under every route's own limit: whatever path a body is sent to, with or without credentials, it
  // is refused (413) at MAX_ANY_BODY_BYTES before more is read. Routes that read bodies set tighter limits.
  // hono's limit reads a body without Content-Length eagerly up to its size, so a route whose limit must
  // hold for strangers (the QStash-signed flush: a few KiB) has it here, before the net, not behind it.
  // First, so every answer of /rest carries CORS headers, a refused body's too, and preflights end here.
  app.use(SHLINK_PATHS, shlinkCors);
  app.use(ingestFlushRoute.path, limitBody(MAX_FLUSH_BODY_BYTES));
  // An import streams its body (a CSV of 100,000 links is larger than the net): one that declares its
  // length may be up to MAX_IMPORT_CSV_BYTES, refused at once past that, and counted while read
  // (functions/imports/source.ts); one without Content-Length gets the net like any other body.
  const net = limitBody(MAX_ANY_BODY_BYTES);
  app.use("*", (c, next) => {
    const declared = c.req.header("content-length");
    if (c.req.path !== importLinksRoute.path || c.req.method !== "POST" || declared === undefined) return net(c, next);
    if (!(Number(declared) <= MAX_IMPORT_CSV_BYTES)) throw new ApiError(413, `The request body is larger than ${MAX_IMPORT_CSV_BYTES} bytes.`);
    return next();
  });
  app.use("*", services);

  registerHealthz(app);
  registerApi(app);
  registerShlink(app);
  registerDashboard(app);
  registerReportPage(app);

  app.doc31("/openapi.json", {
    openapi: "3.1.0",
    info: { title: "EatMyURL API", version: "1.0.0", description: "Short links with exact click analytics." },
  });

  // Last on purpose: /{slug} matches any single path segment, so every fixed route above must win over it.
  registerRoot(app);
  registerRobots(app);
  registerWellKnown(app);
  registerRedirect(app);
  registerUnlock(app);
  return app;
}

export const app = createApp();
