/**
 * The two ways the Worker answers a redirect, called apart so a test knows which one answered: the fast path
 * in front of the app (functions/redirect/fast-path.ts) and the app's own route. Each returns after the
 * request's waitUntil work, so what it captured is stored.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { app } from "../../functions/app.ts";
import { fastRedirect } from "../../functions/redirect/fast-path.ts";
import { bindings } from "./env.ts";

/** The fast path's answer to a request; null when it leaves the request to the app. */
export async function fastPathAnswer(req: Request): Promise<Response | null> {
  const ctx = createExecutionContext();
  const res = fastRedirect(req, bindings, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

/** The app's own answer to the same request (the route the fast path shortcuts). */
export async function appAnswer(req: Request): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await app.fetch(req, bindings, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}
