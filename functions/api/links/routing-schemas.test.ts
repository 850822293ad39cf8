import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { describe, expect, it } from "vitest";
import { CONDITION_TYPES, COUNTRY_CODES } from "../../shared/routing-conditions.ts";
import { fieldErrors } from "../../shared/validation.ts";
import { routingPolicyErrors } from "./routing-policy.ts";
import { SHORT_LINK_LOOP } from "./served-hosts.ts";
import { routingInputFields, routingOutputFields, Rule, Rules, toStoredRules, toStoredVariants, Variants } from "./routing-schemas.ts";

const cond = (type: string, matchValue: unknown, matchKey: unknown = null) => ({ type, matchKey, matchValue });
const rule = (...conditions: unknown[]) => ({ url: "https://example.com/x", conditions });
const variant = (weight: unknown, url = "https://example.com/v") => ({ url, weight });

/** The problem body's errors[] of a value the schema refuses (empty when it is accepted). */
function errors(schema: typeof Rules | typeof Variants, value: unknown) {
  const r = schema.safeParse(value);
  return r.success ? [] : fieldErrors(r.error.issues);
}

describe("rules schema", () => {
  it("accepts every condition type with a valid value", () => {
    const all = [
      cond("device", "ios"), cond("browser", "android_browser"), cond("language", "pt-BR"), cond("query-param", "b", "a"),
      cond("any-value-query-param", null, "promo"), { type: "valueless-query-param", matchKey: "debug" },
      cond("ip-address", "10.0.0.0/8"), cond("ip-address", "2001:db8::1"), cond("ip-address", "192.168.*.*"),
      cond("geolocation-country-code", "DE"), cond("geolocation-country-code", "gb"), cond("geolocation-city-name", "São Paulo"),
      cond("before-date", "2027-01-01T00:00:00Z"), cond("after-date", "2026-06-01T08:00:00+02:00"),
    ];
    expect(errors(Rules, all.map((c) => rule(c)))).toEqual([]);
    expect(errors(Rules, [rule(...all.slice(0, 10))])).toEqual([]);
    expect(errors(Rules, Array.from({ length: 50 }, () => rule(cond("device", "ios"))))).toEqual([]);
  });

  it("refuses 51 rules, 11 conditions and a rule without conditions", () => {
    expect(errors(Rules, Array.from({ length: 51 }, () => rule(cond("device", "ios"))))).toEqual([{ path: "(root)", message: "at most 50 rules" }]);
    expect(errors(Rules, [rule(...Array.from({ length: 11 }, () => cond("device", "ios")))])).toEqual([
      { path: "0.conditions", message: "a rule has at most 10 conditions" },
    ]);
    expect(errors(Rules, [rule()])[0]).toMatchObject({ path: "0.conditions" });
  });

  it.each([
    ["device", cond("device", "toaster"), "must be one of android, ios, mobile, windows, macos, linux, chromeos, desktop"],
    ["browser", cond("browser", "netscape"), "must be one of chrome, firefox, edge, safari, opera, android_browser"],
    ["language", cond("language", "en_US"), "must be a BCP 47 language tag such as en or en-US"],
    ["language *", cond("language", "*"), "must be a BCP 47 language tag such as en or en-US"],
    ["CIDR", cond("ip-address", "10.0.0.0/33"), "must be an IPv4 or IPv6 address, a CIDR block (10.0.0.0/8, 2001:db8::/32) or an IPv4 wildcard (192.168.*.*)"],
    ["wildcard", cond("ip-address", "10.*.0"), "must be an IPv4 or IPv6 address, a CIDR block (10.0.0.0/8, 2001:db8::/32) or an IPv4 wildcard (192.168.*.*)"],
    ["country", cond("geolocation-country-code", "ZZ"), "must be an ISO 3166-1 alpha-2 country code such as US or DE"],
    ["country alpha-3", cond("geolocation-country-code", "DEU"), "must be an ISO 3166-1 alpha-2 country code such as US or DE"],
    ["date", cond("before-date", "next tuesday"), "must be an ISO 8601 instant with a zone, e.g. 2026-12-24T18:00:00Z"],
    ["date without zone", cond("after-date", "2026-12-24T18:00:00"), "must be an ISO 8601 instant with a zone, e.g. 2026-12-24T18:00:00Z"],
    ["date past 9999", cond("after-date", "9999-12-31T23:59:59-23:59"), "must be in the years 1 to 9999 (UTC)"],
    ["empty city", cond("geolocation-city-name", ""), "must not be empty"],
  ])("refuses a bad %s, naming the field", (_name, c, message) => {
    expect(errors(Rules, [rule(cond("device", "ios"), c)])).toEqual([{ path: "0.conditions.1.matchValue", message }]);
  });

  it("refuses an unknown type, a missing key and fields a type does not use", () => {
    expect(errors(Rules, [rule(cond("moon-phase", "full"))])).toEqual([{
      path: "0.conditions.0.type",
      message: "type must be one of device, browser, language, query-param, any-value-query-param, valueless-query-param, ip-address, geolocation-country-code, geolocation-city-name, before-date, after-date",
    }]);
    expect(errors(Rules, [rule({ type: "query-param", matchValue: "x" })])).toEqual([{ path: "0.conditions.0.matchKey", message: "is required" }]);
    expect(errors(Rules, [rule(cond("device", "ios", "k"))])).toEqual([
      { path: "0.conditions.0.matchKey", message: "is not used by a device condition: leave matchKey out or null" },
    ]);
    expect(errors(Rules, [rule({ ...cond("device", "ios"), extra: 1 })])).toEqual([{ path: "0.conditions.0.extra", message: "is not a known field" }]);
  });

  it("refuses a rule URL the link's url would refuse", () => {
    expect(errors(Rules, [{ url: "javascript:alert(1)", conditions: [cond("device", "ios")] }])).toEqual([{ path: "0.url", message: "must use http or https" }]);
    expect(errors(Rules, [{ url: `https://e.com/${"a".repeat(2048)}`, conditions: [cond("device", "ios")] }])[0]).toMatchObject({ path: "0.url" });
    expect(errors(Rules, [{ url: "https://e.com/\ud800", conditions: [cond("device", "ios")] }])[0]).toMatchObject({ path: "0.url" });
  });

  it("lists the 249 assigned country codes, each a region the platform can name", () => {
    expect(COUNTRY_CODES.size).toBe(249);
    const names = new Intl.DisplayNames(["en"], { type: "region" });
    for (const code of COUNTRY_CODES) expect(names.of(code), code).not.toBe(code);
  });
});

describe("variants schema", () => {
  it("accepts 2 to 10 integer weights adding up to 100", () => {
    expect(errors(Variants, [variant(50), variant(50)])).toEqual([]);
    expect(errors(Variants, Array.from({ length: 10 }, () => variant(10)))).toEqual([]);
  });

  it("refuses 11 variants, one variant, a sum of 99 and fractional or zero weights", () => {
    expect(errors(Variants, [...Array.from({ length: 10 }, () => variant(9)), variant(10)])).toEqual([{ path: "(root)", message: "at most 10 variants" }]);
    expect(errors(Variants, [variant(99)])).toContainEqual({ path: "(root)", message: "an A/B split needs at least 2 variants (one destination is the link's url)" });
    expect(errors(Variants, [variant(50), variant(49)])).toEqual([{ path: "(root)", message: "weights must add up to 100 (they add up to 99)" }]);
    expect(errors(Variants, [variant(50), variant(51)])).toEqual([{ path: "(root)", message: "weights must add up to 100 (they add up to 101)" }]);
    expect(errors(Variants, [variant(50.5), variant(49.5)])).toContainEqual({ path: "0.weight", message: "must be a whole number" });
    expect(errors(Variants, [variant(0), variant(100)])[0]).toMatchObject({ path: "0.weight" });
    expect(errors(Variants, [variant("50"), variant(50)])[0]).toMatchObject({ path: "0.weight" });
    expect(errors(Variants, [variant(50, "ftp://x.example/"), variant(50)])).toEqual([{ path: "0.url", message: "must use http or https" }]);
  });
});

describe("stored form", () => {
  it("normalizes URLs as a link's are and nulls unused fields", () => {
    const parsed = Rule.parse({ url: "HTTPS://Bücher.example/a b", conditions: [{ type: "valueless-query-param", matchKey: "x", matchValue: "" }] });
    expect(toStoredRules([parsed])).toEqual([
      { url: "https://xn--bcher-kva.example/a%20b", conditions: [{ type: "valueless-query-param", matchKey: "x", matchValue: null }] },
    ]);
    expect(toStoredVariants([{ url: "https://E.com", weight: 60 }])).toEqual([{ url: "https://e.com/", weight: 60 }]);
  });
});

describe("routing policy", () => {
  it("refuses rule and variant URLs the given test says point here, naming each", () => {
    const here = (u: string) => new URL(u).hostname === "sho.rt";
    const rules = [rule(cond("device", "ios")), { url: "https://sho.rt/other", conditions: [cond("device", "ios")] }];
    const variants = [variant(50, "https://sho.rt/x"), variant(50)];
    expect(routingPolicyErrors({ rules: Rules.parse(rules), variants: Variants.parse(variants) }, here)).toEqual([
      { path: "rules.1.url", message: SHORT_LINK_LOOP },
      { path: "variants.0.url", message: SHORT_LINK_LOOP },
    ]);
    expect(routingPolicyErrors({ rules: null, variants: undefined }, here)).toEqual([]);
  });
});

describe("OpenAPI document", () => {
  it("names the rule, condition and variant schemas, one alternative per condition type", () => {
    const app = new OpenAPIHono();
    const body = z.strictObject(routingInputFields).openapi("RoutingProbeInput");
    const out = z.object(routingOutputFields).openapi("RoutingProbe");
    app.openapi(
      createRoute({
        method: "post",
        path: "/probe",
        request: { body: { content: { "application/json": { schema: body } } } },
        responses: { 200: { description: "ok", content: { "application/json": { schema: out } } } },
      }),
      (c) => c.json({ rules: [], variants: null }),
    );
    const schemas = app.getOpenAPI31Document({ openapi: "3.1.0", info: { title: "t", version: "1" } }).components!.schemas!;
    const condition = schemas.RoutingCondition as { oneOf: { properties: { type: { enum: string[] } } }[] };
    expect(condition.oneOf.map((o) => o.properties.type.enum[0])).toEqual([...CONDITION_TYPES]);
    expect(schemas.RoutingRule).toMatchObject({ required: ["url", "conditions"] });
    expect(schemas.RoutingVariant).toMatchObject({ required: ["url", "weight"] });
    expect(schemas.RoutingProbeInput).toMatchObject({ properties: { rules: { maxItems: 50 }, variants: { minItems: 2, maxItems: 10 } } });
  });
});
