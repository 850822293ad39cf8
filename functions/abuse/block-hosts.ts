/**
 * Blocklist rules and the hosts they are compared with. A rule is an exact host ("evil.example", an IPv4
 * address, "[2001:db8::1]") or a suffix rule ("*.evil.example": every name under evil.example, at any depth,
 * but not evil.example itself, as a DNS wildcard reads). Both sides are normalised by the same WHATWG URL
 * parser the links API stores destinations with: lowercase, punycode for international names, no trailing
 * dot, and one spelling per IP address (0x7f.1, 2130706433 and 127.0.0.1 are all 127.0.0.1), so one string
 * comparison decides.
 */
import { bareHost, MAX_HOSTNAME_LENGTH } from "../shared/hostnames.ts";

export const SUFFIX_PREFIX = "*.";

export type BlockRuleResult = { ok: true; host: string } | { ok: false; message: string };

const FORBIDDEN = /[\s/\\?#@%*]/;
const bad = (message: string): BlockRuleResult => ({ ok: false, message });

/** Whether a normalised host is an IP address rather than a DNS name. */
export const isIpLiteral = (host: string) => host.startsWith("[") || /^\d+\.\d+\.\d+\.\d+$/.test(host);

/** The rule as stored for what an admin typed (`*.` prefix for a suffix rule), or why it is not a host. */
export function normalizeBlockRule(raw: string): BlockRuleResult {
  let name = raw.trim();
  const suffix = name.startsWith(SUFFIX_PREFIX);
  if (suffix) name = name.slice(SUFFIX_PREFIX.length);
  if (!name) return bad("must name a host, like evil.example or *.evil.example");
  if (name.length > MAX_HOSTNAME_LENGTH + 2) return bad(`must be at most ${MAX_HOSTNAME_LENGTH} characters`);
  if (FORBIDDEN.test(name)) {
    return bad("must be a host alone (no scheme, port, path, user, space or %), with at most a leading *. for a suffix rule");
  }
  // A bare IPv6 address is written without brackets as often as with them.
  if (name.includes(":") && !name.startsWith("[")) name = `[${name}]`;
  let url: URL;
  try {
    url = new URL(`http://${name}/`);
  } catch {
    return bad("is not a valid host name or IP address");
  }
  if (url.port || url.username || url.password || url.pathname !== "/" || url.search || url.hash) {
    return bad("must be a host alone: no port, path or user");
  }
  const host = bareHost(url.hostname);
  if (!host) return bad("is not a valid host name or IP address");
  if (host.length > MAX_HOSTNAME_LENGTH) return bad(`must be at most ${MAX_HOSTNAME_LENGTH} characters once in punycode`);
  if (suffix && isIpLiteral(host)) return bad("a suffix rule (*.) takes a DNS name, not an IP address");
  // The URL parser keeps empty labels ("a..b"), which no DNS name has.
  if (!isIpLiteral(host) && host.split(".").some((l) => l === "")) return bad("must not have an empty label (two dots in a row, or a leading dot)");
  return { ok: true, host: suffix ? `${SUFFIX_PREFIX}${host}` : host };
}

/** The host of a destination URL (one its schema accepted), normalised as rules are. */
export const destinationHost = (url: string) => bareHost(new URL(url).hostname);

/**
 * Every rule that would block `host`: the host itself and a suffix rule for each name above it
 * (a.b.example: a.b.example, *.b.example, *.example). An IP address has only itself.
 */
export function rulesMatching(host: string): string[] {
  const rules = [host];
  if (isIpLiteral(host)) return rules;
  for (let i = host.indexOf("."); i !== -1; i = host.indexOf(".", i + 1)) rules.push(`${SUFFIX_PREFIX}${host.slice(i + 1)}`);
  return rules;
}
