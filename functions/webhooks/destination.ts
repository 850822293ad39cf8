/**
 * Where webhooks may go. In production only `https` to a public host: no IP literal of a private,
 * loopback, link-local, shared, multicast or reserved range, no `localhost`, no single-label or internal
 * names (.local, .internal, .lan, .home.arpa, ...), no credentials in the URL. A Worker has no DNS lookup
 * before fetch, so names are judged as written; Cloudflare's fetch itself does not reach private networks.
 * Deliveries never follow redirects (a public host cannot bounce one elsewhere). WEBHOOK_ALLOW_LOOPBACK
 * "true" (development) also admits http and https to 127.0.0.1, [::1] and localhost; "only" (the test
 * suite) admits nothing but those.
 */
import { parseIp } from "../shared/ip-pattern.ts";
import type { Loopback } from "./settings.ts";

const INTERNAL_SUFFIXES = [".localhost", ".local", ".internal", ".intranet", ".lan", ".home", ".corp", ".home.arpa", ".test", ".invalid", ".example"];

/** IPv4 ranges no public receiver lives in, by their first two octets. */
function privateV4(a: number, b: number): boolean {
  return a === 0 || a === 10 || a === 127 || a >= 224 ||
    (a === 100 && b >= 64 && b <= 127) || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) || (a === 192 && b === 0) || (a === 198 && (b === 18 || b === 19));
}

function privateAddress(host: string): boolean | null {
  const bare = host.startsWith("[") ? host.slice(1, -1) : host;
  const ip = parseIp(bare);
  if (!ip) return null;
  const [w0, w1, w2, w3] = ip;
  if (w0 === 0 && w1 === 0 && w2 === 0xffff) return privateV4(w3 >>> 24, (w3 >>> 16) & 0xff); // IPv4 (or mapped)
  if (w0 === 0 && w1 === 0 && w2 === 0) return true; // ::, ::1, IPv4-compatible
  const top = w0 >>> 16;
  return (top & 0xfe00) === 0xfc00 || (top & 0xffc0) === 0xfe80 || (top & 0xff00) === 0xff00 || top === 0x2001 && (w0 & 0xffff) === 0x0db8 || top === 0x0064;
}

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
  const host = url.hostname.toLowerCase();
  const web = url.protocol === "http:" || url.protocol === "https:";
  if (allowLoopback !== "false" && LOOPBACK.has(host) && web) return null;
  if (allowLoopback === "only") return "must be http://127.0.0.1 or localhost (WEBHOOK_ALLOW_LOOPBACK is \"only\")";
  if (url.protocol !== "https:") return "must be https";
  const isPrivate = privateAddress(host);
  if (isPrivate === true) return "must be a public host, not a private, loopback or reserved address";
  if (isPrivate === false) return null;
  if (host === "localhost" || !host.includes(".") || INTERNAL_SUFFIXES.some((s) => host.endsWith(s))) {
    return "must be a public host name";
  }
  return null;
}
