/**
 * One health check of a destination: a GET as a browser would make it, following redirects by hand so that
 * every hop's host is judged before a connection is made (docs/abuse.md, "Link health").
 *
 * Each hop must pass the public-host rule of webhooks (functions/shared/public-host.ts): the WHATWG URL parser
 * has already rewritten decimal (2130706433), octal (0177.0.0.1) and short (127.1) IPv4 forms as a dotted
 * quad, and the rule refuses loopback, private, link-local and the other special-purpose ranges, IPv6 forms
 * carrying such an address (::ffff:127.0.0.1, 6to4), and special-use names (localhost, *.localhost,
 * trailing dots included). A refused hop is never fetched. A name that resolves to a private address cannot
 * be caught here (a Worker cannot resolve a name before fetch); Cloudflare's own network does not reach
 * private networks from a Worker's fetch.
 *
 * How workerd reports a failed fetch (found by trying, with the workerd of package-lock.json): a refused connection throws
 * "Network connection lost."; a name that does not resolve and a TLS handshake that fails both throw
 * "internal error; reference = ..." (the cause is only in workerd's own log). So "refused" is told apart,
 * DNS and TLS are not: both are "unreachable".
 */
import { publicHostProblem } from "../shared/public-host.ts";
import type { Loopback } from "../webhooks/settings.ts";

/** Redirects followed at most: the 6th makes the destination broken ("too many redirects"). */
export const MAX_REDIRECTS = 5;
/** Bytes of a final answer's body read before it is cancelled: enough to see the server does answer. */
const BODY_BYTES = 4096;

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

/** What a check found; `httpStatus` is the last answer's status, null when none came. */
export type CheckOutcome =
  | { kind: "ok"; httpStatus: number }
  | { kind: "gone"; httpStatus: number }
  | { kind: "server-error"; httpStatus: number }
  | { kind: "redirects"; httpStatus: number }
  | { kind: "unreachable"; httpStatus: null; reason: "refused" | "unreachable" }
  | { kind: "timeout"; httpStatus: null }
  | { kind: "private-host"; httpStatus: null; host: string };

export interface CheckOptions {
  timeoutMs: number;
  allowLoopback: Loopback;
  userAgent: string;
  /** The fetch to use (the runtime's by default). */
  fetch?: typeof fetch;
}

/** Why a hop may not be fetched, or null when it may. */
export function hopProblem(url: URL, allowLoopback: Loopback): string | null {
  if (url.protocol !== "http:" && url.protocol !== "https:") return "not http or https";
  if (allowLoopback !== "false" && LOOPBACK.has(url.hostname.replace(/\.+$/, ""))) return null;
  if (allowLoopback === "only") return "only loopback hosts are checked (HEALTH_ALLOW_LOOPBACK is \"only\")";
  return publicHostProblem(url);
}

const isRedirect = (s: number) => s === 301 || s === 302 || s === 303 || s === 307 || s === 308;

/** The answer as a person would read it: 404 and 410 say the page is gone; any other 4xx says it exists. */
function byStatus(status: number): CheckOutcome {
  if (status === 404 || status === 410) return { kind: "gone", httpStatus: status };
  if (status >= 500) return { kind: "server-error", httpStatus: status };
  return { kind: "ok", httpStatus: status };
}

/** Reads at most BODY_BYTES of the body, then cancels the rest; a body that fails midway changes nothing. */
async function skim(body: ReadableStream<Uint8Array> | null, limit: number): Promise<void> {
  if (!body) return;
  const reader = body.getReader();
  try {
    for (let n = 0; n < limit; ) {
      const { done, value } = await reader.read();
      if (done) return;
      n += value.byteLength;
    }
  } catch {
    // The status has been read already: that is the answer.
  } finally {
    await reader.cancel().catch(() => {});
  }
}

export async function checkLinkDestination(url: string, o: CheckOptions): Promise<CheckOutcome> {
  const doFetch = o.fetch ?? fetch;
  const deadline = AbortSignal.timeout(o.timeoutMs);
  let current = new URL(url);
  for (let hop = 0; ; hop++) {
    if (hopProblem(current, o.allowLoopback)) return { kind: "private-host", httpStatus: null, host: current.host };
    let res: Response;
    try {
      res = await doFetch(current.href, {
        method: "GET",
        redirect: "manual",
        signal: deadline,
        headers: { "user-agent": o.userAgent, accept: "text/html,application/xhtml+xml,*/*;q=0.8" },
      });
    } catch (e) {
      if (deadline.aborted) return { kind: "timeout", httpStatus: null };
      const message = e instanceof Error ? e.message : String(e);
      return { kind: "unreachable", httpStatus: null, reason: /connection (lost|refused)|ECONNREFUSED/i.test(message) ? "refused" : "unreachable" };
    }
    const location = isRedirect(res.status) ? res.headers.get("location") : null;
    await skim(res.body, location === null ? BODY_BYTES : 0);
    if (location === null) return byStatus(res.status);
    if (hop === MAX_REDIRECTS) return { kind: "redirects", httpStatus: res.status };
    let next: URL;
    try {
      next = new URL(location, current);
    } catch {
      return { kind: "ok", httpStatus: res.status }; // a Location no browser could follow: the redirect is the answer
    }
    // A redirect into an app (mailto:, a custom scheme) is where a browser's journey ends.
    if (next.protocol !== "http:" && next.protocol !== "https:") return { kind: "ok", httpStatus: res.status };
    current = next;
  }
}
