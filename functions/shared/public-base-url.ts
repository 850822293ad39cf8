/**
 * PUBLIC_BASE_URL for what leaves the deployment. Whatever is sent to a third party (the short URLs in webhook
 * payloads, the callback URLs handed to QStash) is built from it and never from a request's Host: the sender
 * of a request chooses its Host, and the request that happens to start a webhook run may be anyone's. So
 * there is no fallback: a feature that sends such URLs answers a configuration problem naming PUBLIC_BASE_URL
 * until it is set (`npm run dev` sets it to the origin it serves, as the test run does). Answers to a request
 * itself (a Link's shortUrl, the dashboard) still fall back to the origin that request arrived on
 * (functions/api/links/rules.ts), which is what a bare `wrangler dev` relies on.
 */
import { EnvError, type Env } from "./env.ts";

/** PUBLIC_BASE_URL without a trailing slash, or the configuration error that names it. */
export function publicBaseUrl(config: Pick<Env, "PUBLIC_BASE_URL">): string {
  if (config.PUBLIC_BASE_URL) return config.PUBLIC_BASE_URL.replace(/\/+$/, "");
  const error = new EnvError([{
    path: "PUBLIC_BASE_URL",
    message: "is not set: set it to the origin of short URLs (e.g. https://eat.my); webhooks and QStash callbacks are built from it, never from a request's Host",
  }]);
  console.error(error.message);
  throw error;
}
