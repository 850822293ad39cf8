/** chooseDestination, one condition type at a time: which visits each matches (choose.test.ts: rules, variants). */
import { describe, expect, it } from "vitest";
import { chooseFixtures } from "./choose-fixtures.ts";

const { UA, NOW, HIT, BASE, ruled, served, c } = chooseFixtures;

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
    expect(served(link, { query: "x=1&ref=beta" })).toBe(HIT);
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
