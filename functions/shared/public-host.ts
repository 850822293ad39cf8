/**
 * The public-host rule: whether the Worker may send a request to a URL someone else chose (webhook
 * deliveries, functions/webhooks/destination.ts; link health checks). A Worker cannot resolve a name before
 * fetch, so a host is judged as written: what this catches and what it cannot is in docs/webhooks.md
 * ("Destinations").
 *
 * The host is taken from a WHATWG-parsed URL, which has already lowercased it, turned an international name
 * into punycode, percent-decoded it and rewritten every IPv4 form (2130706433, 0x7f.1, 0177.0.0.1, 127.1) as a
 * dotted quad; here the trailing dots of a fully qualified name are dropped, once, before anything is compared.
 *
 * Addresses are classified by ipaddr.js, whose range names follow the IANA special-purpose address registries:
 * only its `unicast` is public, and for IPv6 only within 2000::/3, the one block IANA allocates for global
 * unicast (which also refuses the deprecated IPv4-compatible ::/96 and 100::/64). An IPv6 address that carries
 * an IPv4 one (IPv4-mapped ::ffff:0:0/96, IPv4-translated ::ffff:0:0:0/96, NAT64 64:ff9b::/96, 6to4
 * 2002::/16) is judged by that IPv4 address; Teredo (2001::/32) is refused whole, its client address being
 * hidden (bitwise NOT) in the last 32 bits.
 */
import ipaddr from "ipaddr.js";

/**
 * Top-level names that never lead to a public host: the special-use domain names of RFC 6761 and the IANA
 * registry (localhost, local, test, invalid, example, onion, alt, and all of arpa: home.arpa, resolver.arpa,
 * ipv4only.arpa, the reverse zones) and those kept for private networks (internal, by ICANN; lan, home, corp,
 * intranet, private, localdomain, by custom). example.com, .net and .org are ordinary public hosts: RFC 6761
 * asks software not to treat them as special.
 */
const SPECIAL_TLDS = new Set([
  "localhost", "local", "test", "invalid", "example", "onion", "alt", "arpa",
  "internal", "lan", "home", "corp", "intranet", "private", "localdomain",
]);

const notPublic = (shown: string, range: string) => `must be a public host: ${shown} is in a special-purpose range (${range})`;

function v4Problem(a: ipaddr.IPv4): string | null {
  const range = a.range();
  return range === "unicast" ? null : notPublic(a.toString(), range);
}

/** The IPv4 address an IPv6 one carries by one of the transition mechanisms, or null. */
function embeddedV4(a: ipaddr.IPv6, range: string): ipaddr.IPv4 | null {
  const p = a.parts;
  const v4 = (hi: number, lo: number) => new ipaddr.IPv4([hi >> 8, hi & 0xff, lo >> 8, lo & 0xff]);
  if (range === "ipv4Mapped" || range === "rfc6145") return v4(p[6], p[7]);
  if (range === "rfc6052" && p[2] === 0) return v4(p[6], p[7]); // 64:ff9b::/96; 64:ff9b:1::/48 is local use
  if (range === "6to4") return v4(p[1], p[2]);
  return null;
}

function v6Problem(a: ipaddr.IPv6, shown: string): string | null {
  const range = a.range();
  const inner = embeddedV4(a, range);
  if (inner) return v4Problem(inner) && notPublic(shown, `${range} carrying ${inner.toString()}, ${inner.range()}`);
  if (range !== "unicast") return notPublic(shown, range);
  if ((a.parts[0] & 0xe000) !== 0x2000) return notPublic(shown, "outside global unicast 2000::/3");
  return null;
}

/**
 * Why the host of `url` is not a public one, or null when it is: an IP literal outside every special-purpose
 * range, or a name of two labels or more outside the special-use and private-network top-level names.
 */
export function publicHostProblem(url: URL): string | null {
  const host = url.hostname.toLowerCase().replace(/\.+$/, "");
  if (host.startsWith("[")) {
    const bare = host.slice(1, -1);
    return ipaddr.IPv6.isValid(bare) ? v6Problem(ipaddr.IPv6.parse(bare), host) : "must be a public host: not an IPv6 address";
  }
  if (ipaddr.IPv4.isValidFourPartDecimal(host)) return v4Problem(ipaddr.IPv4.parse(host));
  const labels = host.split(".");
  if (labels.length < 2 || labels.some((l) => l === "")) return "must be a public host name, not a single label or an empty one";
  if (SPECIAL_TLDS.has(labels.at(-1)!)) return `must be a public host name: .${labels.at(-1)} names are special-use or private`;
  return null;
}
