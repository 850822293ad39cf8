import { describe, expect, it } from "vitest";
import type { Condition, Rule, Variant } from "../../api/links/routing-schemas.ts";
import { variantBucket } from "./choose.ts";
import { chooseDestination, formatChosenBy, parseChosenBy, routingVisit, type RoutedLink, type RoutingVisit } from "./index.ts";
import { newVisit } from "../capture.ts";

const UA = {
  iphone: "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
  android: "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36",
  windowsEdge: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0",
  windowsChrome: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
  macSafari: "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15",
  linuxFirefox: "Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0",
  chromebook: "Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
  opera: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 OPR/111.0.0.0",
  androidStock: "Mozilla/5.0 (Linux; U; Android 4.0.3; ko-kr; LG-L160L Build/IML74K) AppleWebKit/534.30 (KHTML, like Gecko) Version/4.0 Mobile Safari/534.30",
  curl: "curl/8.5.0",
};

const NOW = Date.UTC(2026, 11, 1, 12);
const HIT = "https://hit.example/";
const BASE = "https://base.example/";

/** A link with one rule of the given conditions. */
const ruled = (...conditions: Condition[]): RoutedLink => ({ url: BASE, rules: [{ url: HIT, conditions }] });
const visit = (v: Partial<RoutingVisit> = {}): RoutingVisit => ({ now: NOW, ...v });
const served = (link: RoutedLink, v: Partial<RoutingVisit> = {}) => chooseDestination(link, visit(v)).url;
const c = (type: Condition["type"], matchValue: string | null, matchKey: string | null = null) => ({ type, matchKey, matchValue }) as Condition;

describe("conditions", () => {
  it.each([
    ["ios", UA.iphone, true], ["ios", UA.android, false],
    ["android", UA.android, true], ["android", UA.iphone, false],
    ["mobile", UA.iphone, true], ["mobile", UA.android, true], ["mobile", UA.windowsChrome, false],
    ["windows", UA.windowsEdge, true], ["windows", UA.macSafari, false],
    ["macos", UA.macSafari, true], ["macos", UA.iphone, false],
    ["linux", UA.linuxFirefox, true], ["linux", UA.android, false],
    ["chromeos", UA.chromebook, true], ["chromeos", UA.linuxFirefox, false],
    ["desktop", UA.macSafari, true], ["desktop", UA.linuxFirefox, true], ["desktop", UA.chromebook, true],
    ["desktop", UA.iphone, false], ["desktop", UA.curl, false],
  ])("device %s on %s: %s", (device, userAgent, expected) => {
    expect(served(ruled(c("device", device)), { userAgent }) === HIT).toBe(expected);
  });

  it.each([
    ["chrome", UA.windowsChrome, true], ["chrome", UA.android, true], ["chrome", UA.windowsEdge, false],
    ["edge", UA.windowsEdge, true], ["edge", UA.windowsChrome, false],
    ["safari", UA.macSafari, true], ["safari", UA.iphone, true], ["safari", UA.windowsChrome, false],
    ["firefox", UA.linuxFirefox, true], ["firefox", UA.macSafari, false],
    ["opera", UA.opera, true], ["opera", UA.windowsChrome, false],
    ["android_browser", UA.androidStock, true], ["android_browser", UA.android, false],
  ])("browser %s on %s: %s", (browser, userAgent, expected) => {
    expect(served(ruled(c("browser", browser)), { userAgent }) === HIT).toBe(expected);
  });

  it.each([
    ["en", "en-US,en;q=0.9", true],
    ["en", "en-GB", true],
    ["en-US", "en-US", true],
    ["en-us", "EN-US", true],
    ["en-US", "en", false],
    ["en-US", "en-GB", false],
    ["en", "english", false],
    ["de", "fr-FR,de;q=0.3", true],
    ["de", "fr-FR,de;q=0", false],
    ["de", "de;q=0.000,fr", false],
    ["de", "de;q=2", false],
    ["de", "*", false],
    ["de", "", false],
    ["zh-Hant", "zh-Hant-TW;q=0.8", true],
  ])("language %s with Accept-Language %j: %s", (tag, acceptLanguage, expected) => {
    expect(served(ruled(c("language", tag)), { acceptLanguage }) === HIT).toBe(expected);
  });

  it("query-param: the key with exactly that value (any of its values)", () => {
    const link = ruled(c("query-param", "beta", "ref"));
    expect(served(link, { query: "ref=beta" })).toBe(HIT);
    expect(served(link, { query: "ref=alpha&ref=beta" })).toBe(HIT);
    expect(served(link, { query: new URLSearchParams("x=1&ref=beta") })).toBe(HIT);
    expect(served(link, { query: "ref=Beta" })).toBe(BASE);
    expect(served(link, { query: "ref=beta2" })).toBe(BASE);
    expect(served(link, { query: "other=beta" })).toBe(BASE);
    expect(served(link, {})).toBe(BASE);
  });

  it("any-value-query-param: the key present, whatever its value", () => {
    const link = ruled(c("any-value-query-param", null, "promo"));
    expect(served(link, { query: "promo=x" })).toBe(HIT);
    expect(served(link, { query: "promo" })).toBe(HIT);
    expect(served(link, { query: "promo=" })).toBe(HIT);
    expect(served(link, { query: "promos=x" })).toBe(BASE);
  });

  it("valueless-query-param: the key present without a value", () => {
    const link = ruled(c("valueless-query-param", null, "debug"));
    expect(served(link, { query: "debug" })).toBe(HIT);
    expect(served(link, { query: "a=1&debug=" })).toBe(HIT);
    expect(served(link, { query: "debug=1" })).toBe(BASE);
    expect(served(link, { query: "a=1" })).toBe(BASE);
  });

  it.each([
    ["203.0.113.7", "203.0.113.7", true], ["203.0.113.7", "203.0.113.70", false],
    ["10.0.0.0/8", "10.20.30.40", true], ["10.0.0.0/8", "172.16.0.1", false],
    ["192.168.*.*", "192.168.7.9", true], ["192.168.*.*", "192.167.7.9", false],
    ["2001:db8::/32", "2001:db8::abcd", true], ["2001:db8::/32", "2001:db9::1", false],
    ["10.0.0.0/8", "", false], ["10.0.0.0/8", "not an ip", false],
  ])("ip-address %s for %j: %s", (pattern, ip, expected) => {
    expect(served(ruled(c("ip-address", pattern)), { ip }) === HIT).toBe(expected);
  });

  it("geolocation-country-code: the visitor's country, case-insensitive; absent never matches", () => {
    const link = ruled(c("geolocation-country-code", "de"));
    expect(served(link, { country: "DE" })).toBe(HIT);
    expect(served(link, { country: "AT" })).toBe(BASE);
    expect(served(link, { country: null })).toBe(BASE);
  });

  it("geolocation-city-name: the visitor's city, case-insensitive", () => {
    const link = ruled(c("geolocation-city-name", "München"));
    expect(served(link, { city: "münchen" })).toBe(HIT);
    expect(served(link, { city: "Berlin" })).toBe(BASE);
    expect(served(link, {})).toBe(BASE);
  });

  it("before-date and after-date compare the visit's instant, zone included", () => {
    const before = ruled(c("before-date", "2026-12-01T13:00:00+01:00")); // 12:00Z: not before NOW
    expect(served(before, { now: NOW - 1 })).toBe(HIT);
    expect(served(before, { now: NOW })).toBe(BASE);
    const after = ruled(c("after-date", "2026-12-01T12:00:00Z"));
    expect(served(after, { now: NOW + 1 })).toBe(HIT);
    expect(served(after, { now: new Date(NOW) })).toBe(BASE);
  });
});

describe("rules", () => {
  const link: RoutedLink = {
    url: BASE,
    rules: [
      { url: "https://ios-de.example/", conditions: [c("device", "ios"), c("geolocation-country-code", "DE")] },
      { url: "https://ios.example/", conditions: [c("device", "ios")] },
      { url: "https://de.example/", conditions: [c("geolocation-country-code", "DE")] },
    ],
  };

  it("serve the first rule whose conditions all match, and say which", () => {
    expect(chooseDestination(link, visit({ userAgent: UA.iphone, country: "DE" }))).toEqual({
      url: "https://ios-de.example/", chosenBy: { kind: "rule", index: 0 },
    });
    expect(chooseDestination(link, visit({ userAgent: UA.iphone, country: "FR" }))).toEqual({
      url: "https://ios.example/", chosenBy: { kind: "rule", index: 1 },
    });
    expect(chooseDestination(link, visit({ userAgent: UA.android, country: "DE" }))).toEqual({
      url: "https://de.example/", chosenBy: { kind: "rule", index: 2 },
    });
  });

  it("need ALL conditions of a rule: one failing condition skips it", () => {
    const strict = ruled(c("device", "mobile"), c("language", "fr"), c("query-param", "1", "x"));
    expect(served(strict, { userAgent: UA.android, acceptLanguage: "fr", query: "x=1" })).toBe(HIT);
    expect(served(strict, { userAgent: UA.windowsChrome, acceptLanguage: "fr", query: "x=1" })).toBe(BASE);
    expect(served(strict, { userAgent: UA.android, acceptLanguage: "de", query: "x=1" })).toBe(BASE);
    expect(served(strict, { userAgent: UA.android, acceptLanguage: "fr", query: "x=2" })).toBe(BASE);
  });

  it("fall back to the link's url when none matches", () => {
    expect(chooseDestination(link, visit({ userAgent: UA.android, country: "FR" }))).toEqual({ url: BASE, chosenBy: { kind: "url" } });
    expect(chooseDestination({ url: BASE }, visit())).toEqual({ url: BASE, chosenBy: { kind: "url" } });
  });

  it("come before the variants", () => {
    const both: RoutedLink = { ...link, variants: [{ url: "https://a.example/", weight: 50 }, { url: "https://b.example/", weight: 50 }] };
    expect(chooseDestination(both, visit({ userAgent: UA.iphone })).chosenBy).toEqual({ kind: "rule", index: 1 });
    expect(chooseDestination(both, visit({ userAgent: UA.android, visitorHash: "v1" })).chosenBy.kind).toBe("variant");
  });

  it("skip a rule a malformed cache entry cannot express, keeping the index of the others", () => {
    const junk = {
      url: BASE,
      rules: [
        { url: "https://x.example/", conditions: [{ type: "telepathy", matchKey: null, matchValue: "yes" }] },
        { url: "https://y.example/", conditions: [] },
        { url: "https://z.example/", conditions: [c("ip-address", "not a cidr")] },
        null,
        { url: HIT, conditions: [c("device", "ios")] },
      ],
    } as unknown as RoutedLink;
    expect(chooseDestination(junk, visit({ userAgent: UA.iphone }))).toEqual({ url: HIT, chosenBy: { kind: "rule", index: 4 } });
  });
});

describe("variants", () => {
  const variants: Variant[] = [
    { url: "https://a.example/", weight: 50 },
    { url: "https://b.example/", weight: 30 },
    { url: "https://c.example/", weight: 20 },
  ];
  const link: RoutedLink = { id: "0b6f6a46-4c4e-4d0e-9d6f-2a7e6c1d7b00", url: BASE, variants };
  const hashOf = (i: number) => Array.from(crypto.getRandomValues(new Uint8Array(32)), (b) => b.toString(16).padStart(2, "0")).join("") + i;

  it("split 10,000 visitors within 2 points of their weights", () => {
    const counts = [0, 0, 0];
    for (let i = 0; i < 10_000; i++) {
      const d = chooseDestination(link, visit({ visitorHash: hashOf(i) }));
      if (d.chosenBy.kind !== "variant") throw new Error("not a variant");
      expect(d.url).toBe(variants[d.chosenBy.index].url);
      counts[d.chosenBy.index]++;
    }
    variants.forEach((v, i) => expect(Math.abs(counts[i] / 100 - v.weight)).toBeLessThanOrEqual(2));
  });

  it("give bucket b of 100 to the variant whose weight range holds it: 0-49 a, 50-79 b, 80-99 c", () => {
    const day = Math.floor(NOW / 86_400_000);
    const seen = new Set<number>();
    for (let i = 0; seen.size < 100 && i < 100_000; i++) {
      const visitorHash = `v${i}`;
      const b = variantBucket(link.id!, day, visitorHash, 100);
      if (seen.has(b)) continue;
      seen.add(b);
      const expected = b < 50 ? 0 : b < 80 ? 1 : 2;
      expect(chooseDestination(link, visit({ visitorHash })).chosenBy, `bucket ${b}`).toEqual({ kind: "variant", index: expected });
    }
    expect(seen.size).toBe(100);
  });

  it("split visitors without a hash by IP and user agent just as evenly", () => {
    const counts = [0, 0, 0];
    for (let i = 0; i < 10_000; i++) {
      const d = chooseDestination(link, visit({ ip: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, userAgent: UA.iphone }));
      counts[(d.chosenBy as { index: number }).index]++;
    }
    variants.forEach((v, i) => expect(Math.abs(counts[i] / 100 - v.weight)).toBeLessThanOrEqual(2));
  });

  it("keep each visitor on its variant all day: a reload does not flip it", () => {
    const dayStart = Date.UTC(2026, 11, 1);
    for (let i = 0; i < 500; i++) {
      const visitorHash = hashOf(i);
      const first = chooseDestination(link, visit({ visitorHash, now: dayStart }));
      for (const t of [dayStart + 1, dayStart + 3_600_000 * 13, dayStart + 86_399_999]) {
        expect(chooseDestination(link, visit({ visitorHash, now: t, userAgent: UA.android, ip: "1.2.3.4" }))).toEqual(first);
      }
    }
  });

  it("draw again on another day and on another link (the buckets are not shared)", () => {
    let changedByDay = 0;
    let changedByLink = 0;
    const other: RoutedLink = { ...link, id: "another-link" };
    for (let i = 0; i < 1000; i++) {
      const visitorHash = hashOf(i);
      const today = chooseDestination(link, visit({ visitorHash }));
      if (chooseDestination(link, visit({ visitorHash, now: NOW + 86_400_000 })).url !== today.url) changedByDay++;
      if (chooseDestination(other, visit({ visitorHash })).url !== today.url) changedByLink++;
    }
    // Independent draws with these weights differ with probability 1 - (.25 + .09 + .04) = 62%.
    expect(changedByDay).toBeGreaterThan(500);
    expect(changedByLink).toBeGreaterThan(500);
  });

  it("leave weightless or malformed variants of a cache entry out", () => {
    const junk = { url: BASE, variants: [{ url: "https://a.example/", weight: 0 }, { url: "https://b.example/", weight: 100 }, { weight: 5 }] } as RoutedLink;
    for (let i = 0; i < 50; i++) {
      expect(chooseDestination(junk, visit({ visitorHash: hashOf(i) }))).toEqual({ url: "https://b.example/", chosenBy: { kind: "variant", index: 1 } });
    }
    expect(chooseDestination({ url: BASE, variants: "junk" } as unknown as RoutedLink, visit())).toEqual({ url: BASE, chosenBy: { kind: "url" } });
  });
});

describe("routingVisit of the redirect's visit", () => {
  it("reads the headers, Cloudflare's geolocation and the query of the request", () => {
    const request = new Request("https://sho.rt/x?ref=beta", {
      headers: { "user-agent": UA.iphone, "accept-language": "de", "cf-connecting-ip": "203.0.113.9" },
      cf: { country: "DE", city: "Berlin" },
    });
    const v = routingVisit(newVisit(request, new URL(request.url), "x", NOW), "h");
    expect(v).toEqual({
      userAgent: UA.iphone, acceptLanguage: "de", ip: "203.0.113.9", country: "DE", city: "Berlin", query: "ref=beta", now: NOW, visitorHash: "h",
    });
    const rules: Rule[] = [{ url: HIT, conditions: [c("geolocation-city-name", "berlin"), c("query-param", "beta", "ref"), c("ip-address", "203.0.113.0/24")] }];
    expect(chooseDestination({ url: BASE, rules }, v).url).toBe(HIT);
  });

  it("gives null geolocation when request.cf is absent (local runs)", () => {
    const request = new Request("https://sho.rt/x");
    const v = routingVisit(newVisit(request, new URL(request.url), "x", NOW));
    expect([v.country, v.city]).toEqual([null, null]);
  });
});

describe("chosenBy as text", () => {
  it("round-trips rule, variant and url, and refuses anything else", () => {
    for (const c of [{ kind: "rule", index: 49 }, { kind: "variant", index: 0 }, { kind: "url" }] as const) {
      expect(parseChosenBy(formatChosenBy(c))).toEqual(c);
    }
    expect(formatChosenBy({ kind: "rule", index: 2 })).toBe("rule:2");
    for (const junk of ["rule:", "rule:100", "variant:-1", "URL", "rule:1 ", null, 3, "fallback"]) expect(parseChosenBy(junk)).toBeNull();
  });
});
