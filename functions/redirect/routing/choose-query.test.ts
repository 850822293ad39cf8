/**
 * What a visit costs in query reads: the query is indexed once per visit, however many conditions ask about
 * it, and only its first QUERY_READ_PAIRS pairs within QUERY_READ_CHARS characters are read
 * (query-index.ts). workerd's clock does not move during synchronous code, so the cost is shown by counting
 * the reads, not timed (bench/routing.ts times it).
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Condition } from "../../api/links/routing-schemas.ts";
import { MAX_CONDITIONS, MAX_RULES } from "../../shared/routing-conditions.ts";
import { chooseFixtures } from "./choose-fixtures.ts";
import { chooseDestination, type RoutedLink } from "./index.ts";
import { QUERY_READ_CHARS, QUERY_READ_PAIRS } from "./query-index.ts";

const { HIT, BASE, ruled, served, c } = chooseFixtures;

/** URLSearchParams counting the calls that walk its pairs: each lookup or iteration is one scan. */
function countingParams() {
  const tally = { parses: 0, scans: 0 };
  class Counting extends URLSearchParams {
    constructor(init?: ConstructorParameters<typeof URLSearchParams>[0]) {
      super(init);
      tally.parses++;
    }
    override get(name: string) { tally.scans++; return super.get(name); }
    override getAll(name: string) { tally.scans++; return super.getAll(name); }
    override has(name: string, value?: string) { tally.scans++; return value === undefined ? super.has(name) : super.has(name, value); }
    override forEach(...args: Parameters<URLSearchParams["forEach"]>) { tally.scans++; return super.forEach(...args); }
    override entries() { tally.scans++; return super.entries(); }
    override [Symbol.iterator]() { tally.scans++; return super[Symbol.iterator](); }
  }
  vi.stubGlobal("URLSearchParams", Counting);
  return tally;
}

afterEach(() => vi.unstubAllGlobals());

describe("query conditions read the query once per visit", () => {
  // The most rules and conditions the API allows, each rule failing only at its last condition: every one is
  // evaluated. The query is as long as a URL may be (Cloudflare: 16 KB), 3,010 pairs.
  const present = Array.from({ length: MAX_CONDITIONS - 1 }, (_, i) => c("query-param", String(i), `k${i}`));
  const worst: RoutedLink = {
    url: BASE,
    rules: Array.from({ length: MAX_RULES }, (_, r) => ({
      url: `${HIT}${r}`,
      conditions: [...present, c("any-value-query-param", null, `absent${r}`)] as Condition[],
    })),
  };
  const longQuery = [...present.map((p) => `${p.matchKey}=${p.matchValue}`), ...Array.from({ length: 3001 }, (_, i) => `p${i}=${i}`)].join("&");

  it("50 rules of 10 query conditions: one parse and one pass over the pairs, not one per condition", () => {
    const tally = countingParams();
    expect(chooseDestination(worst, { query: longQuery, now: 0 }).chosenBy).toEqual({ kind: "url" });
    expect(tally).toEqual({ parses: 1, scans: 1 });
  });

  it("a link without query conditions never parses the query", () => {
    const tally = countingParams();
    const link = ruled(c("device", "ios"));
    expect(chooseDestination(link, { query: longQuery, now: 0 }).chosenBy).toEqual({ kind: "url" });
    expect(tally).toEqual({ parses: 0, scans: 0 });
  });
});

describe(`the query read is bounded: ${QUERY_READ_PAIRS} pairs within ${QUERY_READ_CHARS} characters`, () => {
  const link = ruled(c("query-param", "beta", "ref"));
  const filler = (pairs: number) => "x=1&".repeat(pairs);

  it(`a parameter among the first ${QUERY_READ_PAIRS} pairs counts; one after them does not`, () => {
    expect(served(link, { query: `${filler(QUERY_READ_PAIRS - 1)}ref=beta` })).toBe(HIT);
    expect(served(link, { query: `${filler(QUERY_READ_PAIRS)}ref=beta` })).toBe(BASE);
    // Empty pairs are not pairs.
    expect(served(link, { query: `${"&".repeat(QUERY_READ_PAIRS * 2)}ref=beta` })).toBe(HIT);
  });

  it(`a parameter ending within the first ${QUERY_READ_CHARS} characters counts; one past them does not`, () => {
    const pad = (n: number) => `pad=${"a".repeat(n - "pad=&".length)}&`;
    const within = `${pad(QUERY_READ_CHARS - "ref=beta".length)}ref=beta`;
    expect(within).toHaveLength(QUERY_READ_CHARS);
    expect(served(link, { query: within })).toBe(HIT);
    expect(served(link, { query: `${within}&more=1` })).toBe(HIT);
    expect(served(link, { query: `${pad(QUERY_READ_CHARS)}ref=beta` })).toBe(BASE);
    // Never a truncated value: ref=beta2 cut to ref=beta would match.
    expect(served(link, { query: `${pad(QUERY_READ_CHARS - "ref=beta".length)}ref=beta2` })).toBe(BASE);
  });

  it("a single pair longer than the bound is not read at all", () => {
    const any = ruled(c("any-value-query-param", null, "ref"));
    expect(served(any, { query: `ref=${"a".repeat(QUERY_READ_CHARS)}` })).toBe(BASE);
    expect(served(any, { query: `ref=${"a".repeat(QUERY_READ_CHARS - 4)}` })).toBe(HIT);
  });
});
