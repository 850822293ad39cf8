/**
 * The input campaign of the Shlink face (issue 18): every /rest route that takes free-form input (path
 * parameters, query parameters, JSON bodies), sent arbitrary values and callers (X-Api-Key of every kind),
 * hostile values foremost (fuzz-arbitraries.ts), as routes-property.error.test.ts does for /api/v1:
 * - the answer is never a 5xx;
 * - every 4xx is application/problem+json with its status in the body, and a Shlink-style `type`;
 * - a refused request changes nothing (links, domains and api_keys, and the link cache of the victim).
 * Each route must see at least one success and one refusal. Runs per route: FUZZ_RUNS when set, else SUITE_RUNS.
 * Then a 90 MB body answers 413 problem+json on every /rest write, with CORS headers.
 */
import fc from "fast-check";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { redisKeys } from "../functions/shared/redis-keys.ts";
import { CONDITION_TYPES } from "../functions/shared/routing-conditions.ts";
import {
  field, hostileDate, hostileIntText, hostileNumber, hostileText, jsonText, junkBody, mostly, onTheWire, queryString,
} from "./fuzz-arbitraries.ts";
import { createLink, mintKey } from "./helpers/api.ts";
import { openDb } from "./helpers/db.ts";
import { ADMIN_KEY, bindings } from "./helpers/env.ts";
import { redis } from "./helpers/redis.ts";
import { call } from "./helpers/worker.ts";

/** /rest requests cost about what /api/v1 ones do; 300 runs per route keeps the file near a minute. */
const SUITE_RUNS = 300;
const RUNS = Number(bindings.FUZZ_RUNS) > 0 ? Math.floor(Number(bindings.FUZZ_RUNS)) : SUITE_RUNS;
const timeout = (runs: number) => 60_000 + runs * 60;

const { db, pool } = openDb();
const TAG = `fzr-${crypto.randomUUID().slice(0, 8)}`;
const victim = { slug: "", domain: "" };
const keys = new Map<string, string>();

async function newVictimLink() {
  victim.slug = (await createLink({ url: "https://example.com/rest-victim", tags: [TAG], title: "rest victim" })).slug;
}

beforeAll(async () => {
  keys.set("reader", (await mintKey(["links:read", "analytics:read"], "fzr reader")).key);
  keys.set("writer", (await mintKey(["links:write"], "fzr writer")).key);
  await newVictimLink();
  const hostname = `fzr${crypto.randomUUID().slice(0, 8)}.example.test`;
  expect((await call("POST", "/api/v1/domains", { body: { hostname } })).status).toBe(201);
  victim.domain = hostname;
});
afterAll(() => pool.end());

type Caller = "admin" | "reader" | "writer" | "none" | "unknown" | "garbage" | "bearer";

interface Req {
  method: string;
  path: string[];
  query: string;
  body?: string;
  contentType?: string;
  caller: Caller;
}

const callers = fc.oneof(
  { weight: 8, arbitrary: fc.constant<Caller>("admin") },
  { weight: 1, arbitrary: fc.constantFrom<Caller>("reader", "writer", "none", "unknown", "garbage", "bearer") },
);

function headersOf(caller: Caller): Record<string, string> {
  switch (caller) {
    case "admin": return { "x-api-key": ADMIN_KEY };
    case "reader": return { "x-api-key": keys.get("reader")! };
    case "writer": return { "x-api-key": keys.get("writer")! };
    case "none": return {};
    case "unknown": return { "x-api-key": `emu_${"Q".repeat(32)}` };
    case "garbage": return { "x-api-key": "x".repeat(5000) };
    // Our API's header is not read on /rest.
    case "bearer": return { authorization: `Bearer ${ADMIN_KEY}` };
  }
}

const fill = (s: string) => s.replaceAll("{slug}", victim.slug).replaceAll("{domain}", victim.domain).replaceAll("{tag}", TAG);
const pathOf = (r: Req) => `/${r.path.map(fill).join("/")}${r.query ? `?${fill(r.query)}` : ""}`;

function send(r: Req): Promise<Response> {
  const headers = headersOf(r.caller);
  if (r.contentType !== undefined) headers["content-type"] = r.contentType;
  return call(r.method, pathOf(r), { key: null, headers, raw: r.body === undefined ? undefined : fill(r.body) });
}

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
  requests: fc.Arbitrary<Req>;
}

function targets(): Target[] {
  const req = (method: string, path: fc.Arbitrary<string[]>, query: fc.Arbitrary<string>, body?: fc.Arbitrary<string>) =>
    fc.record({ method: fc.constant(method), path, query, caller: callers, ...(body ? { body, contentType } : {}) }) as fc.Arbitrary<Req>;
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

async function tables(): Promise<string> {
  const r = await db.execute(sql`select
    (select count(*) from links) as links, (select coalesce(sum(version), 0) from links) as versions,
    (select max(updated_at) from links) as updated, (select count(*) from api_keys) as keys,
    (select count(*) from domains) as domains, (select max(updated_at) from domains) as domains_updated`);
  return JSON.stringify(r.rows[0]);
}
const victimCache = async () => JSON.stringify(await redis.get(redisKeys.link(victim.slug)));

async function expectWellFormed(res: Response, r: Req, route: string) {
  const what = () => `${route}: ${r.method} ${pathOf(r).slice(0, 300)} as ${r.caller} (${res.status})`;
  expect(res.status, what()).toBeLessThan(500);
  if (res.status >= 400) {
    expect(res.headers.get("content-type"), what()).toBe("application/problem+json");
    const body = (await res.json()) as { status?: unknown; title?: unknown; type?: unknown };
    expect(body.status, what()).toBe(res.status);
    expect(typeof body.title, what()).toBe("string");
    expect(typeof body.type, what()).toBe("string");
    if (res.status === 400 || res.status === 401 || res.status === 404) expect(body.type, what()).toMatch(/^https:\/\/shlink\.io\/api\/error\//);
  }
}

describe(`every /rest route with free-form input, ${RUNS} arbitrary requests each`, () => {
  for (const target of targets()) {
    it(target.route, async () => {
      const seen = new Map<number, number>();
      const started = Date.now();
      let last = await tables();
      const start = last;
      await fc.assert(
        fc.asyncProperty(target.requests, async (r) => {
          const cacheBefore = target.mutates ? await victimCache() : "";
          const res = await send(r);
          seen.set(res.status, (seen.get(res.status) ?? 0) + 1);
          await expectWellFormed(res, r, target.route);
          if (!target.mutates) return;
          if (res.status >= 400) {
            expect(await tables(), `${target.route}: the refused ${r.method} ${pathOf(r).slice(0, 200)} (${res.status}) changed a table`).toBe(last);
            expect(await victimCache(), `${target.route}: the refused request changed the link cache`).toBe(cacheBefore);
            return;
          }
          if (target.route.startsWith("DELETE /rest/v3/short-urls") && r.path.includes("{slug}")) await newVictimLink();
          // A rename moved the victim's tag away: give it back, so later renames of it can succeed again.
          if (target.route === "PUT /rest/v3/tags") await call("PATCH", `/api/v1/links/${victim.slug}`, { body: { tags: [TAG] } });
          last = await tables();
        }),
        { numRuns: RUNS },
      );
      if (!target.mutates) expect(await tables(), `${target.route} changed a table`).toBe(start);
      console.log(`${target.route}: ${RUNS} runs in ${Date.now() - started} ms; statuses ${JSON.stringify(Object.fromEntries([...seen].sort()))}`);
      expect([...seen.keys()].some((s) => s < 300), `${target.route}: no request succeeded`).toBe(true);
      expect([...seen.keys()].some((s) => s >= 400), `${target.route}: no request was refused`).toBe(true);
    }, timeout(RUNS));
  }
});

describe("a 90 MB body answers 413 problem+json on every /rest write, with CORS", () => {
  it("with and without a key", async () => {
    const writes = targets().filter((t) => t.mutates && !t.route.startsWith("DELETE")).map((t) => t.route.split(" "));
    for (const [method, path] of writes) {
      for (const key of [ADMIN_KEY, null]) {
        let produced = 0;
        const stream = new ReadableStream<Uint8Array>({
          pull(c) {
            if (produced >= 90 * 1024 * 1024) return c.close();
            c.enqueue(new Uint8Array(65_536).fill(0x61));
            produced += 65_536;
          },
        });
        const headers: Record<string, string> = { "content-type": "application/json", origin: "https://app.shlink.io", ...(key ? { "x-api-key": key } : {}) };
        const res = await call(method, path.replace("{shortCode}", "fzr-nope"), { key: null, headers, raw: stream });
        expect(res.status, `${method} ${path}`).toBe(413);
        expect(res.headers.get("content-type")).toBe("application/problem+json");
        expect(res.headers.get("access-control-allow-origin")).toBe("*");
        expect(produced).toBeLessThanOrEqual(5 * 1024 * 1024);
      }
    }
  });
});

// The victim's tag and link are this file's own: leave no trace for other files.
afterAll(async () => {
  await call("DELETE", `/api/v1/links/${victim.slug}`);
  await call("DELETE", `/rest/v3/tags?tags[]=${encodeURIComponent(TAG)}`, { key: null, headers: { "x-api-key": ADMIN_KEY } });
});
