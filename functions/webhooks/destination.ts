/**
 * Where webhooks may go. In production only `https` to a public host (functions/shared/public-host.ts), with
 * no credentials in the URL. Checked when an endpoint is created or changed and again before every attempt,
 * so an endpoint stored under an older, looser rule is refused too. Deliveries never follow redirects (a
 * public host cannot bounce one elsewhere). WEBHOOK_ALLOW_LOOPBACK "true" (development) also admits http and
 * https to 127.0.0.1, [::1] and localhost; "only" (the test suite) admits nothing but those.
 */
import { publicHostProblem } from "../shared/public-host.ts";
import type { Loopback } from "./settings.ts";

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

/** Why `raw` may not receive webhooks, or null when it may. */
export function destinationProblem(raw: string, allowLoopback: Loopback): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return "is not a URL";
  }
  if (url.username || url.password) return "must not carry credentials";
  const web = url.protocol === "http:" || url.protocol === "https:";
  if (allowLoopback !== "false" && web && LOOPBACK.has(url.hostname.replace(/\.+$/, ""))) return null;
  if (allowLoopback === "only") return "must be http://127.0.0.1 or localhost (WEBHOOK_ALLOW_LOOPBACK is \"only\")";
  if (url.protocol !== "https:") return "must be https";
  return publicHostProblem(url);
}
