/**
 * The requests of the /rest input campaign (routes-property-rest.error.test.ts): for each /rest route that
 * takes free-form input, arbitrary path segments, query strings, JSON bodies, content types and callers,
 * hostile values foremost (fuzz-arbitraries.ts). Apart from the campaign, which sends them and judges the
 * answers; "{slug}", "{domain}" and "{tag}" in a path, query or body name the campaign's victims, filled in
 * when sent.
 */
import fc from "fast-check";
import { CONDITION_TYPES } from "../../functions/shared/routing-conditions.ts";
import {
  field, hostileDate, hostileIntText, hostileNumber, hostileText, jsonText, junkBody, mostly, onTheWire, queryString,
} from "../fuzz-arbitraries.ts";

export type RestCaller = "admin" | "reader" | "writer" | "none" | "unknown" | "garbage" | "bearer";

export interface RestReq {
  method: string;
  path: string[];
  query: string;
  body?: string;
  contentType?: string;
  caller: RestCaller;
}

const callers = fc.oneof(
  { weight: 8, arbitrary: fc.constant<RestCaller>("admin") },
  { weight: 1, arbitrary: fc.constantFrom<RestCaller>("reader", "writer", "none", "unknown", "garbage", "bearer") },
);

const drop = (o: Record<string, unknown>) => {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
};
const bodyOf = (shaped: fc.Arbitrary<unknown>) => fc.oneof({ weight: 8, arbitrary: shaped.map(jsonText) }, { weight: 2, arbitrary: junkBody });
const contentType = fc.oneof(
  { weight: 12, arbitrary: fc.constant("application/json") },
  { weight: 1, arbitrary: fc.constantFrom(undefined, "", "text/plain", "application/x-www-form-urlencoded", "application/json; charset=utf-16") },
);

const validUrl = fc.webUrl({ withQueryParameters: true });
const hostileUrl = fc.oneof(fc.constantFrom("https://sho.rt/loop", "javascript:alert(1)", "https://", `https://example.com/${"a".repeat(2100)}`), hostileText);
const validSlug = fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/).map((s) => `fzr${s}`);
const instant = fc.date({ min: new Date(Date.now() + 86_400_000), max: new Date("9000-01-01T00:00:00Z"), noInvalidDate: true }).map((d) => d.toISOString().replace(/\.\d{3}Z$/, "+00:00"));
const tags = fc.array(fc.constantFrom("fzr", "fzr-2", " fzr ", "{tag}"), { maxLength: 3 });
const hostileTags = fc.array(fc.oneof(fc.constant("fzr"), hostileText), { maxLength: 22 });
const domainName = fc.oneof(
  { weight: 3, arbitrary: fc.constant("{domain}") },
  { weight: 2, arbitrary: fc.constantFrom("sho.rt", "DEFAULT", "nowhere.example.test", "127.0.0.1", "") },
  { weight: 1, arbitrary: hostileText },
);

const editable = {
  title: field(fc.string({ maxLength: 40 }), hostileText),
  tags: field(tags, hostileTags),
  crawlable: field(fc.boolean(), hostileText),
  forwardQuery: field(fc.boolean(), hostileText),
  validSince: field(instant, hostileDate),
  validUntil: field(instant, hostileDate),
  maxVisits: field(fc.integer({ min: 1, max: 2_147_483_647 }), hostileNumber),
};
/** Now and then a body that is valid throughout, so every write route reaches success often enough to be tested there too. */
const cleanCreate = fc.record({ longUrl: validUrl, tags, title: fc.string({ maxLength: 20 }), validUntil: instant }, { requiredKeys: ["longUrl"] });
const cleanEdit = fc.record({ longUrl: validUrl, title: fc.string({ maxLength: 20 }), forwardQuery: fc.boolean(), maxVisits: fc.integer({ min: 1, max: 99 }) }, { requiredKeys: [] });
const cleanRules = fc.record({
  redirectRules: fc.array(fc.record({ longUrl: validUrl, conditions: fc.constant([{ type: "query-param", matchKey: "lang", matchValue: "de" }]) }), { maxLength: 2 }),
});
const sometimesClean = (clean: fc.Arbitrary<unknown>, hostile: fc.Arbitrary<unknown>) =>
  fc.oneof({ weight: 1, arbitrary: clean }, { weight: 3, arbitrary: hostile });

const createBody = fc
  .record(
    {
      longUrl: field(validUrl, hostileUrl),
      customSlug: field(validSlug, fc.oneof(fc.constantFrom("api", "_x", "x".repeat(65), "{slug}"), hostileText)),
      shortCodeLength: field(fc.integer({ min: 4, max: 64 }), fc.oneof(fc.constantFrom(0, 3, 65, 1e9), hostileNumber)),
      domain: field(domainName, hostileText),
      findIfExists: field(fc.boolean(), hostileText),
      ...editable,
    },
    { requiredKeys: ["longUrl"] },
  )
  .map(drop);
const editBody = fc.record({ longUrl: field(validUrl, hostileUrl), ...editable }, { requiredKeys: [] }).map(drop);
const condition = fc.record({
  type: fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...CONDITION_TYPES) }, { weight: 1, arbitrary: hostileText }),
  matchKey: fc.oneof(fc.constantFrom("lang", null), hostileText),
  matchValue: fc.oneof(fc.constantFrom("de", "android", "chrome", "en", "DE", "10.0.0.0/8", "2030-01-01T00:00:00Z", null), hostileText),
});
const rulesBody = fc
  .record({
    redirectRules: field(
      fc.array(fc.record({ longUrl: field(validUrl, hostileUrl), conditions: fc.array(condition, { minLength: 1, maxLength: 3 }) }), { maxLength: 3 }),
      fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 60 }),
    ),
  })
  .map(drop);
const renameBody = fc.record({
  oldName: field(fc.constantFrom("{tag}", "fzr-none"), hostileText),
  newName: field(fc.stringMatching(/^[a-z0-9-]{1,20}$/).map((s) => `fzr-${s}`), fc.oneof(fc.constantFrom("", " ", "x".repeat(51)), hostileText)),
}).map(drop);
// Not the default domain: its redirects are every test file's (a root redirect there would change their answers).
const redirectsBody = fc
  .record({
    domain: field(fc.oneof(fc.constantFrom("{domain}", "nowhere.example.test", "")), hostileText),
    baseUrlRedirect: field(validUrl, hostileUrl),
    regular404Redirect: field(validUrl, hostileUrl),
    invalidShortUrlRedirect: field(validUrl, hostileUrl),
  }, { requiredKeys: ["domain"] })
  .map(drop);

const page = onTheWire(mostly(fc.integer({ min: 1, max: 3 }).map(String), hostileIntText));
const perPage = onTheWire(mostly(fc.constantFrom("-1", "1", "10", "5000"), fc.oneof(fc.constantFrom("0", "5001", "-2"), hostileIntText)));
const date = onTheWire(mostly(fc.constantFrom("2026-01-01", "2026-01-01T00:00:00+00:00", "2026-01-01T00:00:00Z"), hostileDate));
const flag = onTheWire(mostly(fc.constantFrom("true", "false"), hostileText));
const domainParam = onTheWire(domainName);
const visitsQuery = queryString({ page, itemsPerPage: perPage, startDate: date, endDate: date, excludeBots: flag, domain: domainParam });
const codeSegment = fc.oneof(
  { weight: 4, arbitrary: fc.constant("{slug}") },
  { weight: 1, arbitrary: validSlug },
  { weight: 2, arbitrary: onTheWire(hostileText) },
  { weight: 1, arbitrary: fc.constantFrom("api", "..", "%2F", "x".repeat(300)) },
);
const shortUrl = codeSegment.map((s) => ["rest", "v3", "short-urls", s]);
const domainQuery = queryString({ domain: domainParam });

interface Target {
  route: string;
  mutates: boolean;
  requests: fc.Arbitrary<RestReq>;
}

export function restTargets(): Target[] {
  const req = (method: string, path: fc.Arbitrary<string[]>, query: fc.Arbitrary<string>, body?: fc.Arbitrary<string>) =>
    fc.record({ method: fc.constant(method), path, query, caller: callers, ...(body ? { body, contentType } : {}) }) as fc.Arbitrary<RestReq>;
  const fixed = (...s: string[]) => fc.constant(s);
  return [
    { route: "POST /rest/v3/short-urls", mutates: true, requests: req("POST", fixed("rest", "v3", "short-urls"), fc.constant(""), bodyOf(sometimesClean(cleanCreate, createBody))) },
    {
      route: "GET /rest/v3/short-urls",
      mutates: false,
      requests: req("GET", fixed("rest", "v3", "short-urls"), queryString({
        page, itemsPerPage: perPage, searchTerm: onTheWire(mostly(fc.constantFrom("fzr", "victim", "%", "_"), hostileText)),
        "tags[]": onTheWire(mostly(fc.constantFrom("{tag}", "fzr"), hostileText)), tagsMode: onTheWire(mostly(fc.constantFrom("any", "all"), hostileText)),
        "excludeTags[]": onTheWire(mostly(fc.constantFrom("fzr"), hostileText)),
        orderBy: onTheWire(mostly(fc.constantFrom("dateCreated-DESC", "visits-ASC", "title-ASC", "nonBotVisits-DESC"), hostileText)),
        startDate: date, endDate: date, excludeMaxVisitsReached: flag, excludePastValidUntil: flag, domain: domainParam,
      })),
    },
    { route: "GET /rest/v3/short-urls/{shortCode}", mutates: false, requests: req("GET", shortUrl, domainQuery) },
    { route: "PATCH /rest/v3/short-urls/{shortCode}", mutates: true, requests: req("PATCH", shortUrl, domainQuery, bodyOf(sometimesClean(cleanEdit, editBody))) },
    { route: "DELETE /rest/v3/short-urls/{shortCode}", mutates: true, requests: req("DELETE", shortUrl, domainQuery) },
    { route: "GET /rest/v3/short-urls/{shortCode}/visits", mutates: false, requests: req("GET", shortUrl.map((p) => [...p, "visits"]), visitsQuery) },
    { route: "POST /rest/v3/short-urls/{shortCode}/redirect-rules", mutates: true, requests: req("POST", shortUrl.map((p) => [...p, "redirect-rules"]), domainQuery, bodyOf(sometimesClean(cleanRules, rulesBody))) },
    {
      route: "GET /rest/v3/tags/{tag}/visits",
      mutates: false,
      requests: req("GET", fc.oneof(fc.constant("{tag}"), onTheWire(hostileText)).map((t) => ["rest", "v3", "tags", t, "visits"]), visitsQuery),
    },
    {
      route: "GET /rest/v3/domains/{domain}/visits",
      mutates: false,
      requests: req("GET", fc.oneof(fc.constantFrom("{domain}", "DEFAULT"), onTheWire(hostileText)).map((d) => ["rest", "v3", "domains", d, "visits"]), visitsQuery),
    },
    { route: "GET /rest/v3/visits/non-orphan", mutates: false, requests: req("GET", fixed("rest", "v3", "visits", "non-orphan"), visitsQuery) },
    { route: "GET /rest/v3/tags", mutates: false, requests: req("GET", fixed("rest", "v3", "tags"), queryString({ searchTerm: onTheWire(mostly(fc.constant("fzr"), hostileText)) })) },
    { route: "PUT /rest/v3/tags", mutates: true, requests: req("PUT", fixed("rest", "v3", "tags"), fc.constant(""), bodyOf(renameBody)) },
    {
      route: "DELETE /rest/v3/tags",
      mutates: true,
      requests: req("DELETE", fixed("rest", "v3", "tags"), queryString({ "tags[]": onTheWire(mostly(fc.constantFrom("fzr-gone", "fzr-2"), hostileText)) })),
    },
    { route: "PATCH /rest/v3/domains/redirects", mutates: true, requests: req("PATCH", fixed("rest", "v3", "domains", "redirects"), fc.constant(""), bodyOf(redirectsBody)) },
  ];
}
