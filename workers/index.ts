/**
 * The deployable Worker: thin on purpose. `fetch` is the Hono app (redirects, API, dashboard), `scheduled`
 * the cron function; env validation and per-request services live in functions/shared.
 */
import { app } from "../functions/app.ts";
import { fastRedirect } from "../functions/redirect/fast-path.ts";
import { runScheduled } from "../functions/cron/scheduled.ts";
import type { RawEnv } from "../functions/shared/env.ts";

export default {
  // Cached ordinary links are answered before the app (functions/redirect/fast-path.ts); all else by the app.
  fetch: (request, env, ctx) => fastRedirect(request, env, ctx) ?? app.fetch(request, env, ctx),
  scheduled: (controller, env, ctx) => runScheduled(controller, env, ctx),
} satisfies ExportedHandler<RawEnv>;
