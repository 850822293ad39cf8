import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ipMatches, parseIp, parseIpPattern } from "./ip-pattern.ts";

const matches = (pattern: string, ip: string) => {
  const p = parseIpPattern(pattern);
  const a = parseIp(ip);
  if (!p || !a) throw new Error(`unparsed: ${pattern} / ${ip}`);
  return ipMatches(a, p);
};

describe("IP patterns", () => {
  it("match an address exactly", () => {
    expect(matches("203.0.113.7", "203.0.113.7")).toBe(true);
    expect(matches("203.0.113.7", "203.0.113.8")).toBe(false);
    expect(matches("2001:db8::1", "2001:0db8:0000:0000:0000:0000:0000:0001")).toBe(true);
    expect(matches("2001:db8::1", "2001:db8::2")).toBe(false);
  });

  it("match CIDR blocks at their edges, IPv4 and IPv6", () => {
    expect(matches("10.0.0.0/8", "10.255.255.255")).toBe(true);
    expect(matches("10.0.0.0/8", "11.0.0.0")).toBe(false);
    expect(matches("192.168.1.0/24", "192.168.1.0")).toBe(true);
    expect(matches("192.168.1.0/24", "192.168.2.0")).toBe(false);
    expect(matches("192.168.1.128/25", "192.168.1.127")).toBe(false);
    expect(matches("192.168.1.128/25", "192.168.1.200")).toBe(true);
    expect(matches("0.0.0.0/0", "8.8.8.8")).toBe(true);
    expect(matches("0.0.0.0/0", "2001:db8::1")).toBe(false);
    expect(matches("2001:db8::/32", "2001:db8:ffff::1")).toBe(true);
    expect(matches("2001:db8::/32", "2001:db9::1")).toBe(false);
    expect(matches("2001:db8:0:8000::/49", "2001:db8:0:7fff::1")).toBe(false);
    expect(matches("2001:db8:0:8000::/49", "2001:db8:0:8000::1")).toBe(true);
    expect(matches("10.1.2.3/8", "10.9.9.9")).toBe(true);
  });

  it("match IPv4 wildcards octet by octet", () => {
    expect(matches("192.168.*.*", "192.168.40.2")).toBe(true);
    expect(matches("192.168.*.*", "192.169.40.2")).toBe(false);
    expect(matches("*.*.*.1", "10.20.30.1")).toBe(true);
    expect(matches("*.*.*.1", "10.20.30.2")).toBe(false);
  });

  it("take an IPv4-mapped IPv6 visitor for its IPv4 address", () => {
    expect(matches("1.2.3.0/24", "::ffff:1.2.3.4")).toBe(true);
    expect(matches("1.2.3.0/24", "::ffff:1.2.4.4")).toBe(false);
  });

  it.each([
    "", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.4/33", "1.2.3.4/-1", "1.2.3.4/", "2001:db8::/129",
    "1:2:3:4:5:6:7:8:9", "1::2::3", "12345::", "1.2.*.4/24", "1.2.3.4*", "*", "192.168.*", "::1/x", "g::1",
    "1.2.3.4 5", "::ffff:1.2.3.4:1", "a".repeat(100),
  ])("refuse %j", (s) => {
    expect(parseIpPattern(s)).toBeNull();
  });

  it("parse visitor addresses or give null, never throwing", () => {
    expect(parseIp("::1")).toEqual([0, 0, 0, 1]);
    expect(parseIp("[2001:db8::1]")).toEqual([0x20010db8, 0, 0, 1]);
    expect(parseIp("fe80::1%eth0")).toEqual([0xfe800000, 0, 0, 1]);
    expect(parseIp("1.2.3.4")).toEqual([0, 0, 0xffff, 0x01020304]);
    for (const junk of ["", "unknown", "1.2.3.4, 5.6.7.8", "\u0000", "::::", null, undefined, 42]) {
      expect(parseIp(junk as string)).toBeNull();
    }
  });
});

describe("IP parsing, property", () => {
  it("reads every dotted quad as its number and every IPv6 form fast-check writes", () => {
    fc.assert(
      fc.property(fc.ipV4(), (ip) => {
        const n = ip.split(".").reduce((a, o) => a * 256 + Number(o), 0);
        expect(parseIp(ip)).toEqual([0, 0, 0xffff, n]);
        expect(ipMatches(parseIp(ip)!, parseIpPattern(`${ip}/32`)!)).toBe(true);
      }),
      { numRuns: 2000 },
    );
    fc.assert(fc.property(fc.ipV6(), (ip) => parseIp(ip) !== null), { numRuns: 2000 });
  });

  it("never throws on arbitrary text", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 80 }), (s) => {
        parseIp(s);
        parseIpPattern(s);
      }),
      { numRuns: 3000 },
    );
  });
});
