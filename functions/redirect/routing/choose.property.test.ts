/** Evaluation never throws, whatever the headers, query, IP or cached entry, and always answers a known URL. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Condition } from "../../api/links/routing-schemas.ts";
import { BROWSERS, CONDITION_TYPES, DEVICES } from "../../shared/routing-conditions.ts";
import { acceptedLanguages } from "./accept-language.ts";
import { chooseDestination, type RoutedLink, type RoutingVisit } from "./index.ts";
import { QUERY_READ_CHARS, QUERY_READ_PAIRS } from "./query-index.ts";
import { uaClasses } from "./user-agent.ts";

const NASTY = [
  "", " ", "\u0000", "\ud800", "\udfff", "%", "%%zz", "*", ";", ";q=", ",", ",,,;q=0.5", "en;q=NaN", "en;q=1e400", "de;q=-1",
  "::", ":::", "1.2.3.4/99", "999.1.1.1", "::ffff:", "[", "]", "__proto__", "constructor", "toString", "a=1&a", "&&&=",
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X)", "X11; Linux", "😀".repeat(40), "x".repeat(5000),
];
const hostile = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom(...NASTY) },
  { weight: 2, arbitrary: fc.string({ maxLength: 60 }) },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 60 }) },
  { weight: 1, arbitrary: fc.ipV4() },
  { weight: 1, arbitrary: fc.ipV6() },
  { weight: 1, arbitrary: fc.ipV4Extended() },
);

/** Conditions as stored (valid) and as a corrupt cache entry could hold them (anything). */
const goodCondition: fc.Arbitrary<Condition> = fc.oneof(
  fc.constantFrom(...DEVICES).map((v) => ({ type: "device", matchKey: null, matchValue: v }) as Condition),
  fc.constantFrom(...BROWSERS).map((v) => ({ type: "browser", matchKey: null, matchValue: v }) as Condition),
  fc.constantFrom("en", "en-US", "de", "zh-Hant").map((v) => ({ type: "language", matchKey: null, matchValue: v }) as Condition),
  fc.tuple(fc.string({ minLength: 1 }), fc.string({ minLength: 1 })).map(([k, v]) => ({ type: "query-param", matchKey: k, matchValue: v }) as Condition),
  fc.string({ minLength: 1 }).map((k) => ({ type: "any-value-query-param", matchKey: k, matchValue: null }) as Condition),
  fc.string({ minLength: 1 }).map((k) => ({ type: "valueless-query-param", matchKey: k, matchValue: null }) as Condition),
  fc.constantFrom("10.0.0.0/8", "192.168.*.*", "2001:db8::/32", "::1", "0.0.0.0/0").map((v) => ({ type: "ip-address", matchKey: null, matchValue: v }) as Condition),
  fc.constantFrom("DE", "us").map((v) => ({ type: "geolocation-country-code", matchKey: null, matchValue: v }) as Condition),
  fc.string({ minLength: 1 }).map((v) => ({ type: "geolocation-city-name", matchKey: null, matchValue: v }) as Condition),
  fc.date({ noInvalidDate: true }).map((d) => ({ type: "before-date", matchKey: null, matchValue: d.toISOString() }) as Condition),
  fc.date({ noInvalidDate: true }).map((d) => ({ type: "after-date", matchKey: null, matchValue: d.toISOString() }) as Condition),
);
const junkCondition = fc.record({
  type: fc.oneof(fc.constantFrom(...CONDITION_TYPES), hostile),
  matchKey: fc.oneof(hostile, fc.constant(null), fc.integer()),
  matchValue: fc.oneof(hostile, fc.constant(null), fc.integer(), fc.object()),
}) as unknown as fc.Arbitrary<Condition>;

const url = fc.integer({ min: 0, max: 99 }).map((i) => `https://d${i}.example/`);
const link: fc.Arbitrary<RoutedLink> = fc.record(
  {
    id: fc.oneof(fc.uuid(), hostile),
    url,
    rules: fc.array(fc.record({ url, conditions: fc.array(fc.oneof(goodCondition, junkCondition), { maxLength: 10 }) }), { maxLength: 12 }),
    variants: fc.oneof(
      fc.constant(null),
      fc.array(fc.record({ url, weight: fc.oneof(fc.integer({ min: -5, max: 100 }), fc.double()) }), { maxLength: 10 }),
    ),
  },
  { requiredKeys: ["url"] },
);

const visit: fc.Arbitrary<RoutingVisit> = fc.record(
  {
    userAgent: fc.option(hostile),
    acceptLanguage: fc.option(hostile),
    ip: fc.option(hostile),
    country: fc.option(hostile),
    city: fc.option(hostile),
    query: fc.option(hostile),
    now: fc.oneof(fc.integer(), fc.double(), fc.date()),
    visitorHash: fc.option(hostile),
  },
  { requiredKeys: ["now"] },
);

describe("chooseDestination under hostile input", () => {
  it("never throws and answers the URL of what it says chose it", () => {
    fc.assert(
      fc.property(link, visit, (l, v) => {
        const d = chooseDestination(l, v);
        if (d.chosenBy.kind === "rule") expect(d.url).toBe(l.rules![d.chosenBy.index].url);
        else if (d.chosenBy.kind === "variant") expect(d.url).toBe(l.variants![d.chosenBy.index].url);
        else expect(d.url).toBe(l.url);
      }),
      { numRuns: 3000 },
    );
  });

  it("answers the same for the same visit (deterministic, so sticky)", () => {
    fc.assert(
      fc.property(link, visit, (l, v) => {
        expect(chooseDestination(l, v)).toEqual(chooseDestination({ ...l }, { ...v }));
      }),
      { numRuns: 500 },
    );
  });
});

describe("chooseDestination with oversized headers", () => {
  // workerd's clock does not move during synchronous code, so the bound is shown by what is read, not timed.
  it("reads only the first 1,024 characters and 32 ranges of Accept-Language, and 512 of the user agent", () => {
    expect(acceptedLanguages("a,".repeat(50_000))).toHaveLength(32);
    const late = `${"fr;q=0,".repeat(200)}de`;
    expect(acceptedLanguages(late)).toEqual([]);
    expect(acceptedLanguages(`fr;q=0,de`)).toEqual(["de"]);
    const ios = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko)";
    expect(uaClasses(`${ios}${" ".repeat(600)}Windows NT 10.0; Firefox/127.0`)).toEqual(uaClasses(ios));
    const link: RoutedLink = { url: "https://base.example/", rules: [{ url: "https://de.example/", conditions: [{ type: "language", matchKey: null, matchValue: "de" }] }] };
    expect(chooseDestination(link, { acceptLanguage: late, now: 0 }).chosenBy).toEqual({ kind: "url" });
  });
});

describe("query conditions, indexed, agree with a scan of the pairs", () => {
  // Names and values that collide once decoded ("r%65f" is "ref", "+" is a space), so matches are frequent.
  const NAMES = ["ref", "r%65f", "a", "A", "a+b", "a%20b", "%C3%A9", "\u00e9", "", "ref%", "="];
  const VALUES = ["beta", "b%65ta", "", "be+ta", "be ta", "1", "%", "%zz", "\u00e9"];
  const pair = fc.oneof(
    fc.tuple(fc.constantFrom(...NAMES), fc.constantFrom(...VALUES)).map(([k, v]) => `${k}=${v}`),
    fc.constantFrom(...NAMES),
    fc.constantFrom("", "&", "x=1"),
  );
  const query = (maxPairs: number) => fc.array(pair, { maxLength: maxPairs }).map((ps) => ps.join("&"));
  const key = fc.constantFrom("ref", "a", "A", "a b", "\u00e9", "ref%", "b");
  const queryCondition: fc.Arbitrary<Condition> = fc.oneof(
    fc.tuple(key, fc.constantFrom("beta", "", "be ta", "1", "%", "\u00e9")).map(([k, v]) => ({ type: "query-param", matchKey: k, matchValue: v }) as Condition),
    key.map((k) => ({ type: "any-value-query-param", matchKey: k, matchValue: null }) as Condition),
    key.map((k) => ({ type: "valueless-query-param", matchKey: k, matchValue: null }) as Condition),
  );
  const queryLink = fc.record({
    url,
    rules: fc.array(fc.record({ url, conditions: fc.array(queryCondition, { minLength: 1, maxLength: 4 }) }), { minLength: 1, maxLength: 6 }),
  });

  /** The first rule whose conditions all hold by `holds`, else the link's url. */
  const served = (l: RoutedLink, holds: (c: Condition) => boolean) => l.rules!.find((r) => r.conditions.every(holds))?.url ?? l.url;
  /** As the redirect read the query before it was indexed: each condition asks URLSearchParams. */
  const scanned = (params: URLSearchParams) => (c: Condition) =>
    c.type === "query-param" ? params.getAll(c.matchKey!).includes(c.matchValue!)
    : c.type === "any-value-query-param" ? params.has(c.matchKey!)
    : params.getAll(c.matchKey!).includes("");

  it("an ordinary query (inside the read bounds) is read exactly as URLSearchParams reads it", () => {
    fc.assert(
      fc.property(queryLink, query(60), (l, q) => {
        expect(chooseDestination(l, { query: q, now: 0 }).url).toBe(served(l, scanned(new URLSearchParams(q))));
      }),
      { numRuns: 2000 },
    );
  });

  it(`any query is read as its first ${QUERY_READ_PAIRS} pairs within ${QUERY_READ_CHARS} characters, cut at a pair`, () => {
    const long = fc.tuple(query(400), fc.nat({ max: QUERY_READ_CHARS + 50 }), query(20)).map(([a, pad, b]) => `${a}&p=${"x".repeat(pad)}&${b}`);
    fc.assert(
      fc.property(queryLink, fc.oneof(query(400), long), (l, q) => {
        const text = q.length <= QUERY_READ_CHARS ? q : q.slice(0, Math.max(0, q.lastIndexOf("&", QUERY_READ_CHARS)));
        const bounded = new URLSearchParams([...new URLSearchParams(text)].slice(0, QUERY_READ_PAIRS));
        expect(chooseDestination(l, { query: q, now: 0 }).url).toBe(served(l, scanned(bounded)));
      }),
      { numRuns: 1000 },
    );
  });
});
