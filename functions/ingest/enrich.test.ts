import { describe, expect, it } from "vitest";
import type { ClickEvent } from "../shared/click-event.ts";
import { parseUserAgent, referrerHost, utmTags } from "./enrich.ts";
import { parseClick } from "./parse-click.ts";
import { arrayLiteral } from "../../db/sql-arrays.ts";
import { visitorKey } from "./visitor-key.ts";
import { visitorDaysKeepFrom } from "./retention.ts";

const event = (o: Partial<ClickEvent> = {}): ClickEvent => ({
  id: "c1", linkId: "l1", slug: "s", ts: Date.UTC(2026, 3, 1, 12), kind: "human", reason: null, visitor: "v".repeat(64),
  ua: null, referrer: null, country: null, region: null, city: null, query: null, dest: null, ...o,
});

describe("user agent", () => {
  it("gives device type, browser and OS, desktop when a known OS names no device", () => {
    expect(parseUserAgent("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"))
      .toEqual({ device: "mobile", browser: "Mobile Safari", os: "iOS" });
    expect(parseUserAgent("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15"))
      .toEqual({ device: "desktop", browser: "Safari", os: "Mac OS" });
    expect(parseUserAgent("curl/8.5.0")).toEqual({ device: null, browser: null, os: null });
    expect(parseUserAgent(null)).toEqual({ device: null, browser: null, os: null });
  });
});

describe("referrer host", () => {
  it("is the lower-case host without www., or null", () => {
    expect(referrerHost("https://WWW.Example.COM/a?b")).toBe("example.com");
    expect(referrerHost("android-app://com.slack/")).toBe("com.slack");
    expect(referrerHost("not a url")).toBeNull();
    expect(referrerHost(null)).toBeNull();
  });
});

describe("UTM tags", () => {
  it("take the short URL's query first, the destination's for what it lacks", () => {
    expect(utmTags("utm_source=nl&x=1", "https://e.com/?utm_source=site&utm_medium=web&utm_campaign=c"))
      .toEqual({ utm_source: "nl", utm_medium: "web", utm_campaign: "c" });
    expect(utmTags(null, "not a url")).toEqual({ utm_source: null, utm_medium: null, utm_campaign: null });
    expect(utmTags("utm_campaign=a%20b", null).utm_campaign).toBe("a b");
  });
});

describe("parseClick", () => {
  it("enriches a valid event into a clicks row", () => {
    const r = parseClick(JSON.stringify(event({ referrer: "https://t.co/x", country: "DE", city: "Berlin", query: "utm_medium=social" })));
    expect(r).toEqual({ ok: true, record: expect.objectContaining({
      id: "c1", link_id: "l1", ts: "2026-04-01T12:00:00.000Z", referrer_host: "t.co", country: "DE", city: "Berlin",
      utm_medium: "social", utm_source: null, query: "utm_medium=social",
    }) });
  });

  it("accepts the inbox's already-parsed object too", () => {
    expect(parseClick(event()).ok).toBe(true);
  });

  it("gives a reason for everything it refuses", () => {
    const reason = (v: unknown) => (parseClick(v) as { reason: string }).reason;
    expect(reason("{oops")).toBe("not JSON");
    expect(reason(null)).toBe('no field "e"');
    expect(reason(JSON.stringify({ ...event(), kind: "robot" }))).toMatch(/^not a ClickEvent: kind:/);
    expect(reason(JSON.stringify(event({ ts: 1000 })))).toMatch(/out of range/);
    expect(reason(JSON.stringify(event({ ts: Date.now() + 3 * 86_400_000 })))).toMatch(/out of range/);
    expect(reason(JSON.stringify(event({ linkId: "x".repeat(201) })))).toMatch(/linkId is too long/);
    expect(reason(JSON.stringify(event({ id: "a\u0000b" })))).toMatch(/id is too long or not storable/);
  });

  it("cleans what Postgres cannot store or index instead of failing the batch", () => {
    const r = parseClick(event({ ua: "a\u0000b\ud800", city: "c".repeat(500), query: "utm_source=" + "s".repeat(500) }));
    if (!r.ok) throw new Error(r.reason);
    expect(r.record.user_agent).toBe("a\ufffdb\ufffd");
    expect(r.record.city).toHaveLength(200);
    expect(r.record.utm_source).toHaveLength(200);
  });
});

describe("arrayLiteral", () => {
  it("quotes every element and escapes quotes and backslashes; null is NULL", () => {
    expect(arrayLiteral(["a", 'b"c', "d\\e", null, "", "{,}"])).toBe('{"a","b\\"c","d\\\\e",NULL,"","{,}"}');
  });

  it("takes JSON's form when JSON escapes nothing (Postgres reads unquoted null as NULL)", () => {
    expect(arrayLiteral(["a", null, "", "{,} é 😀"])).toBe('{"a",null,"","{,} é 😀"}');
    expect(arrayLiteral([])).toBe("{}");
  });

  it("never passes on a JSON escape, which Postgres would read differently", () => {
    expect(arrayLiteral(["a\nb", "tab\there", "bell\u0007"])).toBe('{"a\nb","tab\there","bell\u0007"}');
  });
});

describe("visitor-day retention horizon", () => {
  it("keeps two days before the oldest waiting click, or before today", () => {
    const now = Date.UTC(2026, 3, 10, 12);
    expect(visitorDaysKeepFrom(now, null)).toBe("2026-04-08");
    expect(visitorDaysKeepFrom(now, Date.UTC(2026, 3, 5, 0, 30))).toBe("2026-04-03");
    expect(visitorDaysKeepFrom(now, now + 1000)).toBe("2026-04-08");
  });
});

describe("visitorKey", () => {
  it("is the first 64 bits of a hex hash, signed as Postgres bigint", () => {
    expect(visitorKey(`0000000000000001${"f".repeat(48)}`)).toBe("1");
    expect(visitorKey(`7fffffffffffffff${"0".repeat(48)}`)).toBe("9223372036854775807");
    expect(visitorKey(`ffffffffffffffff${"0".repeat(48)}`)).toBe("-1");
  });

  it("hashes anything else with FNV-1a 64", () => {
    expect(visitorKey("a")).toBe(BigInt.asIntN(64, 0xaf63dc4c8601ec8cn).toString()); // the published test vector
    expect(visitorKey("a")).not.toBe(visitorKey("b"));
    expect(visitorKey("ABCDEF0123456789")).not.toBe(visitorKey("abcdef0123456789")); // upper case is not the hex form
  });
});
