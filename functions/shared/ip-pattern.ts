/**
 * IP patterns of the `ip-address` routing condition: an address (IPv4 or IPv6), a CIDR block (`10.0.0.0/8`,
 * `2001:db8::/32`) or an IPv4 wildcard with whole `*` octets (`192.168.*.*`). Hand-written rather than a
 * library: the whole job is two parsers and a masked compare, and it runs on the redirect's hot path.
 *
 * Addresses become four 32-bit words (an IPv4 address is its IPv4-mapped IPv6 form, ::ffff:a.b.c.d), so one
 * compare serves both families and a visitor reaching us over IPv6 as ::ffff:1.2.3.4 matches `1.2.3.0/24`.
 * Parsers return null for anything malformed and never throw: visitor addresses come from a header.
 */

/** Four unsigned 32-bit words, most significant first. */
export type Ip128 = readonly [number, number, number, number];

/** A parsed pattern: the address matches when (address & mask) === base, word by word. */
export interface IpPattern {
  base: Ip128;
  mask: Ip128;
}

const V4_PREFIX = [0, 0, 0xffff] as const;
const DEC_OCTET = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
const HEXTET = /^[0-9a-fA-F]{1,4}$/;
/** Longer than any textual address (45 characters for the longest IPv6 with an embedded IPv4) plus a zone. */
const MAX_TEXT = 64;

/** Dotted-quad IPv4 as one word; null unless exactly four decimal octets without leading zeros. A char loop:
 *  this runs once per visit of a link with an ip-address rule, and split + regex cost several times more. */
function parseV4Words(s: string): number | null {
  let n = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    if (ch === 46 /* . */) {
      if (digits === 0 || ++dots > 3) return null;
      n = n * 256 + octet;
      octet = 0;
      digits = 0;
    } else if (ch >= 48 && ch <= 57) {
      if (digits > 0 && octet === 0) return null; // leading zero
      octet = octet * 10 + (ch - 48);
      if (++digits > 3 || octet > 255) return null;
    } else {
      return null;
    }
  }
  if (dots !== 3 || digits === 0) return null;
  return (n * 256 + octet) >>> 0;
}

function parseV6(s: string): Ip128 | null {
  const halves = s.split("::");
  if (halves.length > 2) return null;
  const groups = (part: string): number[] | null => {
    if (part === "") return [];
    const out: number[] = [];
    const items = part.split(":");
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      if (i === items.length - 1 && item.includes(".")) {
        const v4 = parseV4Words(item);
        if (v4 === null) return null;
        out.push(v4 >>> 16, v4 & 0xffff);
      } else if (HEXTET.test(item)) {
        out.push(parseInt(item, 16));
      } else {
        return null;
      }
    }
    return out;
  };
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  if (!head || !tail) return null;
  // An embedded IPv4 may only end the address.
  if (halves.length === 2 && halves[0].includes(".")) return null;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
  const all = [...head, ...new Array<number>(missing).fill(0), ...tail];
  return [
    ((all[0] << 16) | all[1]) >>> 0,
    ((all[2] << 16) | all[3]) >>> 0,
    ((all[4] << 16) | all[5]) >>> 0,
    ((all[6] << 16) | all[7]) >>> 0,
  ];
}

/** An IPv4 or IPv6 address (an IPv6 zone, `%eth0`, is dropped); null when it is not one. */
export function parseIp(text: string): Ip128 | null {
  if (typeof text !== "string" || text.length === 0 || text.length > MAX_TEXT) return null;
  let s = text.trim();
  if (s.startsWith("[") && s.endsWith("]")) s = s.slice(1, -1);
  if (s.includes(":")) {
    const zone = s.indexOf("%");
    return parseV6(zone === -1 ? s : s.slice(0, zone));
  }
  const v4 = parseV4Words(s);
  return v4 === null ? null : [V4_PREFIX[0], V4_PREFIX[1], V4_PREFIX[2], v4];
}

function prefixMask(bits: number): Ip128 {
  const word = (i: number) => {
    const b = Math.min(32, Math.max(0, bits - 32 * i));
    return b === 0 ? 0 : (0xffffffff << (32 - b)) >>> 0;
  };
  return [word(0), word(1), word(2), word(3)];
}

const and = (a: Ip128, m: Ip128): Ip128 => [(a[0] & m[0]) >>> 0, (a[1] & m[1]) >>> 0, (a[2] & m[2]) >>> 0, (a[3] & m[3]) >>> 0];

function parseWildcard(s: string): IpPattern | null {
  const parts = s.split(".");
  if (parts.length !== 4) return null;
  let value = 0;
  let mask = 0;
  for (const p of parts) {
    const wild = p === "*";
    if (!wild && !DEC_OCTET.test(p)) return null;
    value = value * 256 + (wild ? 0 : Number(p));
    mask = mask * 256 + (wild ? 0 : 255);
  }
  return { base: [0, 0, 0xffff, value >>> 0], mask: [0xffffffff, 0xffffffff, 0xffffffff, mask >>> 0] };
}

/**
 * An address, CIDR block or IPv4 wildcard; null when malformed. A CIDR block whose address has bits set past
 * its prefix (`10.1.2.3/8`) is accepted and means the block (10.0.0.0/8), as most routers read it.
 */
export function parseIpPattern(text: string): IpPattern | null {
  if (typeof text !== "string") return null;
  const s = text.trim();
  if (s.length === 0 || s.length > MAX_TEXT) return null;
  if (s.includes("*")) return s.includes(":") || s.includes("/") ? null : parseWildcard(s);
  const slash = s.indexOf("/");
  if (slash === -1) {
    const ip = parseIp(s);
    return ip ? { base: ip, mask: prefixMask(128) } : null;
  }
  const ip = parseIp(s.slice(0, slash));
  const len = s.slice(slash + 1);
  if (!ip || !/^\d{1,3}$/.test(len)) return null;
  const v4 = !s.slice(0, slash).includes(":");
  const bits = Number(len);
  if (bits > (v4 ? 32 : 128)) return null;
  const mask = prefixMask(v4 ? 96 + bits : bits);
  return { base: and(ip, mask), mask };
}

export function ipMatches(ip: Ip128, p: IpPattern): boolean {
  return (
    ((ip[0] & p.mask[0]) >>> 0) === p.base[0] &&
    ((ip[1] & p.mask[1]) >>> 0) === p.base[1] &&
    ((ip[2] & p.mask[2]) >>> 0) === p.base[2] &&
    ((ip[3] & p.mask[3]) >>> 0) === p.base[3]
  );
}
