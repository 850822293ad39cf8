/**
 * chooseDestination: the first rule whose conditions all match, else a variant by weight, stable for a visitor
 * for a day, else the link's url; the visit routing reads from a request, and chosenBy as text. Each condition
 * type's matching is in choose-conditions.test.ts.
 */
import { describe, expect, it } from "vitest";
import type { Rule, Variant } from "../../api/links/routing-schemas.ts";
import { variantBucket } from "./choose.ts";
import { chooseFixtures } from "./choose-fixtures.ts";
import { chooseDestination, formatChosenBy, parseChosenBy, routingVisit, type RoutedLink } from "./index.ts";
import { newVisit } from "../capture.ts";

const { UA, NOW, HIT, BASE, ruled, visit, served, c } = chooseFixtures;

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
