/**
 * The input campaign: every /api/v1 route of the scope table (helpers/route-scopes.ts), sent arbitrary path
 * parameters, query parameters, JSON bodies, content types and callers, hostile values foremost (see
 * fuzz-arbitraries.ts). Whatever arrives:
 * - the answer is never a 5xx;
 * - every 4xx is application/problem+json with its status in the body;
 * - a refused request changes nothing: after each refused write, the links and api_keys tables and the link
 *   cache entries of the slugs it named are as they were before it; read routes change nothing at all.
 * The runs per route are FUZZ_RUNS when that binding is set (`npm run fuzz`), else SUITE_RUNS. Each route must
 * also see at least one success and one refusal, so a generator that only ever produces 401s fails.
 *
 * Then the body limits: a 90 MB streamed body answers 413 problem+json on every route that takes a body
 * (the API, the dashboard's forms, a protected link's password form), signed in or not, read only up to the
 * limit.
 */
import fc from "fast-check";
import { sql } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { scopes, type Scope } from "../functions/shared/auth/scopes.ts";
import { redisKeys } from "../functions/shared/redis-keys.ts";
import { CONDITION_TYPES } from "../functions/shared/routing-conditions.ts";
import { isValidSlug } from "../functions/shared/slugs.ts";
import {
  deepJson, field, hostileDate, hostileIntText, hostileNumber, hostileRange, hostileText, hostileTimeZone, jsonText, junkBody, longString,
  mostly, onTheWire, percentEncode, queryString, rawPercent,
} from "./fuzz-arbitraries.ts";
import { createLink, mintKey } from "./helpers/api.ts";
import { openDb } from "./helpers/db.ts";
import { ADMIN_KEY, bindings } from "./helpers/env.ts";
import { redis } from "./helpers/redis.ts";
import { routeScopes } from "./helpers/route-scopes.ts";
import { BASE, call } from "./helpers/worker.ts";
import { createTestWebhook, removeTestWebhooks, sendTestPing, SINK } from "./helpers/webhooks.ts";
import { EVENT_TYPES } from "../functions/webhooks/payloads.ts";
import { Tag } from "../functions/api/links/schemas.ts";

/**
 * Measured on 2 shared cores: a refused call costs about 1 ms, one that reaches Postgres 5-8 ms, a write with
 * its before/after checks 8-15 ms. 500 runs per route took 57 s for the 14 routes on a quiet machine (600: 84 s
 * beside other test runs), which keeps the campaign near a minute of the suite.
 */
const SUITE_RUNS = 500;
const RUNS = Number(bindings.FUZZ_RUNS) > 0 ? Math.floor(Number(bindings.FUZZ_RUNS)) : SUITE_RUNS;
const timeout = (runs: number) => 60_000 + runs * 60;

const { db, pool } = openDb();
afterAll(async () => {
  await removeTestWebhooks();
  await pool.end();
});

// ---------------------------------------------------------------------------------------------------------
// The world a request runs in: keys of every scope, a revoked one, and the resources the routes name.

const keys = new Map<string, string>();
/** The link, the key, the domain and the webhook the write routes aim at; replaced when a valid request deletes or revokes them. */
const victim = { slug: "", keyId: "", domain: "", webhookId: "", deliveryId: "", importId: "", tag: "" };
/** nextCursor values the list route issued (without q, and for q=fz): the campaign sends them with any q and tag. */
const cursors: string[] = [];

async function newVictimLink() {
  const link = await createLink({
    url: "https://example.com/victim", title: "victim", tags: ["fz", "victim"], maxClicks: 5,
    expiresAt: new Date(Date.now() + 30 * 86_400_000).toISOString(), fallbackUrl: "https://example.com/fallback",
  });
  victim.slug = link.slug;
}

/** A tag of the campaign's own on a link of its own: the tag routes rename and delete it. */
async function newVictimTag() {
  victim.tag = `fz-tag-${crypto.randomUUID().slice(0, 8)}`;
  await createLink({ url: "https://example.com/fz-tagged", tags: [victim.tag] });
}

async function newVictimKey() {
  victim.keyId = (await mintKey(["links:read"], "fz victim")).id;
}

async function newVictimDomain() {
  const hostname = `fz${crypto.randomUUID().slice(0, 8)}.example.test`;
  expect((await call("POST", "/api/v1/domains", { body: { hostname } })).status).toBe(201);
  victim.domain = hostname;
}

/** The webhook the webhook routes aim at, with one delivery in its log. */
async function newVictimWebhook() {
  victim.webhookId = (await createTestWebhook()).id;
  victim.deliveryId = await sendTestPing(victim.webhookId);
}

beforeAll(async () => {
  for (const s of scopes) keys.set(s, (await mintKey([s], `fz ${s}`)).key);
  const revoked = await mintKey([...scopes], "fz revoked");
  expect((await call("DELETE", `/api/v1/keys/${revoked.id}`)).status).toBe(204);
  keys.set("revoked", revoked.key);
  await newVictimLink();
  await newVictimKey();
  await newVictimDomain();
  await newVictimWebhook();
  await newVictimTag();
  // An import's report, for GET /api/v1/imports/{id} to find.
  victim.importId = ((await (await call("POST", "/api/v1/links/import?dryRun=true", { body: [{ url: "https://example.com/fz-import" }] })).json()) as { id: string }).id;
  for (const n of [0, 1, 2]) await createLink({ url: `https://example.com/fz-page-${n}`, title: "fz page", tags: ["fz"] });
  for (const q of [undefined, "fz"]) {
    const res = await call("GET", `/api/v1/links?limit=1${q ? `&q=${q}` : ""}`);
    const { nextCursor } = (await res.json()) as { nextCursor: string | null };
    if (nextCursor) cursors.push(nextCursor);
  }
  expect(cursors.length).toBe(2);
});

// ---------------------------------------------------------------------------------------------------------
// Requests: path segments (some naming the victims, resolved at send time), a query string, a body.

type Segment = string | { victim: "slug" | "keyId" | "domain" | "webhookId" | "deliveryId" | "importId" | "tag" };
type Caller = "admin" | "scoped" | "other-scope" | "none" | "unknown" | "revoked" | "basic" | "garbage";

interface Req {
  method: string;
  path: Segment[];
  query: string;
  body?: string;
  contentType?: string;
  caller: Caller;
  extraHeaders?: Record<string, string>;
}

const victimSlug: Segment = { victim: "slug" };
const victimKey: Segment = { victim: "keyId" };
const victimDomain: Segment = { victim: "domain" };
const victimWebhook: Segment = { victim: "webhookId" };
const victimDelivery: Segment = { victim: "deliveryId" };
const victimTag: Segment = { victim: "tag" };

function otherScope(scope: Scope): Scope {
  return scope === "links:read" ? "analytics:read" : "links:read";
}

function authHeader(caller: Caller, scope: Scope): string | undefined {
  switch (caller) {
    case "admin": return `Bearer ${ADMIN_KEY}`;
    case "scoped": return `Bearer ${keys.get(scope)}`;
    case "other-scope": return scope === "admin" ? `Bearer ${keys.get("links:write")}` : `Bearer ${keys.get(otherScope(scope))}`;
    case "none": return undefined;
    case "unknown": return `Bearer emu_${"Z".repeat(32)}`;
    case "revoked": return `Bearer ${keys.get("revoked")}`;
    case "basic": return `Basic ${btoa(`admin:${ADMIN_KEY}`)}`;
    case "garbage": return `Bearer ${"x".repeat(5000)}`;
  }
}

const callers = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom<Caller>("admin", "scoped") },
  { weight: 1, arbitrary: fc.constantFrom<Caller>("other-scope", "none", "unknown", "revoked", "basic", "garbage") },
);

const resolve = (seg: Segment) => (typeof seg === "string" ? seg : percentEncode(victim[seg.victim]));
/** "{victim}" in a query or body names the victim domain, resolved at send time. */
const withVictim = (s: string) => s.replaceAll("{victim}", victim.domain).replaceAll("%7Bvictim%7D", victim.domain);
const pathOf = (req: Req) => `/${req.path.map(resolve).join("/")}${req.query ? `?${withVictim(req.query)}` : ""}`;

function send(req: Req, scope: Scope): Promise<Response> {
  const headers: Record<string, string> = { ...req.extraHeaders };
  const auth = authHeader(req.caller, scope);
  if (auth) headers.authorization = auth;
  if (req.contentType !== undefined) headers["content-type"] = req.contentType;
  return call(req.method, pathOf(req), { key: null, headers, raw: req.body === undefined ? undefined : withVictim(req.body) });
}

// ---------------------------------------------------------------------------------------------------------
// Values of each parameter and field.

/** Slugs this campaign may create: never one another test names. */
const validSlug = fc.stringMatching(/^[A-Za-z0-9_-]{1,62}$/).map((s) => `fz${s}`);

/** A path segment for a slug: the victim, other valid slugs (of this campaign), reserved words, anything. */
const slugSegment = fc.oneof(
  { weight: 4, arbitrary: fc.constant(victimSlug) },
  { weight: 2, arbitrary: validSlug.map(percentEncode) },
  { weight: 1, arbitrary: fc.constantFrom("bulk", "stats", "api", "Docs", "_x", "x".repeat(64), "x".repeat(65), "x".repeat(10_000), ".", "..", "%2F", "a%2Fb", "%2e%2e") },
  { weight: 2, arbitrary: onTheWire(hostileText) },
  { weight: 1, arbitrary: rawPercent },
);

const keyIdSegment = fc.oneof(
  { weight: 3, arbitrary: fc.constant(victimKey) },
  { weight: 2, arbitrary: fc.uuid({ version: [1, 2, 3, 4, 5, 6, 7, 8] }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      "00000000-0000-0000-0000-000000000000", "ffffffff-ffff-ffff-ffff-ffffffffffff", "FFFFFFFF-FFFF-4FFF-BFFF-FFFFFFFFFFFF",
      "{00000000-0000-4000-8000-000000000000}", "00000000000040008000000000000000", "admin", "key_x", "%00", "x".repeat(10_000),
    ),
  },
  { weight: 1, arbitrary: fc.uuid().map((u) => u.toUpperCase()) },
  { weight: 2, arbitrary: onTheWire(hostileText) },
);

const webhookIdSegment = keyIdSegment.map((s) => (s === victimKey ? victimWebhook : s));
const deliveryIdSegment = fc.oneof(
  { weight: 4, arbitrary: fc.constant(victimDelivery) },
  { weight: 1, arbitrary: fc.stringMatching(/^[A-Za-z0-9]{24}$/).map((s) => `msg_${s}`) },
  { weight: 1, arbitrary: fc.constantFrom("msg_", `msg_${"A".repeat(25)}`, "MSG_AAAAAAAAAAAAAAAAAAAAAAAA", "%00", "x".repeat(10_000)) },
  { weight: 2, arbitrary: onTheWire(hostileText) },
);

/**
 * A tag rename or removal reaches every link of every test file running beside this one: a text that is a
 * valid tag becomes one of the campaign's own (fz-...), so the campaign never renames, removes or takes the
 * name of another test's tag. Invalid text stays as it is, for the route to refuse.
 */
const ownTag = (s: string) => (Tag.safeParse(s).success ? `fz-${s}` : s);
const tagSegment = fc.oneof(
  { weight: 4, arbitrary: fc.constant(victimTag) },
  { weight: 1, arbitrary: fc.stringMatching(/^[A-Za-z0-9 _-]{1,40}$/).map((s) => percentEncode(`fz-none-${s}`)) },
  { weight: 1, arbitrary: fc.constantFrom("x".repeat(51), "x".repeat(10_000), "%00", "a%07b", "%20", ".", "..", "%2e%2e") },
  { weight: 2, arbitrary: onTheWire(hostileText.map(ownTag)) },
  { weight: 1, arbitrary: rawPercent },
);
/** New names: the campaign's own, tags in use by the campaign's links (a conflict), anything else made its own. */
const tagName = fc.oneof(
  { weight: 4, arbitrary: fc.stringMatching(/^[A-Za-z0-9 _-]{1,40}$/).map((s) => `fz-${s}`) },
  { weight: 1, arbitrary: fc.constantFrom("fz", "victim", ` fz-${"x".repeat(47)} `, `fz-${"x".repeat(48)}`) },
  { weight: 2, arbitrary: hostileText.map(ownTag) },
  { weight: 1, arbitrary: fc.oneof(fc.constant(null), hostileNumber, fc.jsonValue({ maxDepth: 2 }).filter((v) => typeof v !== "string")) },
);

const validUrl = fc.webUrl({ withQueryParameters: true, withFragments: true });
const hostileUrl = fc.oneof(
  fc.constantFrom(
    "https://sho.rt/loop", "http://SHO.RT./x", "javascript:alert(1)", "https://", "https://example.com/\u0000", "https://example.com/\ud800",
    "https://ex\u0000ample.com/", "https://xn--/", `https://example.com/${"a".repeat(2028)}`, `https://example.com/${"a".repeat(2029)}`,
    `https://example.com/${"é".repeat(700)}`, "https://[::1]/", "https://256.256.256.256/", "https://example.com:99999/",
  ),
  hostileText,
);

/** A hostname naming a domain: the victim (resolved at send time), the default, unknown ones, hostile text. */
const domainName = fc.oneof(
  { weight: 3, arbitrary: fc.constant("{victim}") },
  { weight: 2, arbitrary: fc.constantFrom("sho.rt", "SHO.RT.", "nowhere.example.test", "127.0.0.1", "localhost") },
  { weight: 1, arbitrary: fc.domain() },
  { weight: 1, arbitrary: fc.constantFrom("", ".", "-", "a..b", "x".repeat(254), `${"a".repeat(64)}.test`, "a_b.test", "ex ample.test") },
  { weight: 1, arbitrary: hostileText },
);
/** In a query string: {victim} becomes the victim domain when sent. */
const domainParam = onTheWire(domainName);

const hostileSlug = fc.oneof(fc.constantFrom("docs", "API", "_hidden", "x".repeat(64), "x".repeat(65), "a b", "a\u0000", "\ud800"), hostileText);

const validTags = fc.array(fc.constantFrom("fz", "fz-2", " fz ", "ünï"), { maxLength: 3 });
const hostileTags = fc.oneof(
  fc.array(fc.oneof(fc.constantFrom("fz"), hostileText), { maxLength: 22 }),
  fc.constant(Array.from({ length: 21 }, (_, i) => `t${i}`)),
);
const future = fc
  .date({ min: new Date(Date.now() + 86_400_000), max: new Date("9999-12-31T00:00:00Z"), noInvalidDate: true })
  .map((d) => d.toISOString());

/** Conditions of every type, valid for their type or not (another type's value, a hostile one, missing fields). */
const conditionValue = fc.oneof(
  fc.constantFrom(
    "ios", "android", "desktop", "chrome", "safari", "android_browser", "en", "pt-BR", "de-DE-1996", "*", "DE", "de", "XX",
    "Berlin", "203.0.113.7", "10.0.0.0/8", "2001:db8::/32", "192.168.*.*", "300.1.1.1", "10.0.0.0/33", "2026-12-24T18:00:00Z",
    "2026-12-24", "+010000-01-01T00:00:00Z", "9999-12-31T23:59:59-23:59", "",
  ),
  hostileText,
  fc.constant(null),
);
const condition = fc.record(
  {
    type: fc.oneof(
      { weight: 8, arbitrary: fc.constantFrom(...CONDITION_TYPES) },
      { weight: 1, arbitrary: fc.oneof(hostileText, fc.constant(null)) },
    ),
    matchKey: fc.oneof(fc.constantFrom("ref", "utm_source", "debug"), hostileText, fc.constant(null)),
    matchValue: conditionValue,
  },
  { requiredKeys: ["type"] },
);
const validRules = fc.array(
  fc.record({ url: validUrl, conditions: fc.array(condition, { minLength: 1, maxLength: 3 }) }),
  { maxLength: 3 },
);
const hostileRules = fc.oneof(
  fc.array(fc.record({ url: fc.oneof(validUrl, hostileUrl), conditions: fc.array(condition, { maxLength: 11 }) }, { requiredKeys: [] }), { maxLength: 3 }),
  fc.constant(Array.from({ length: 51 }, () => ({ url: "https://example.com/r", conditions: [{ type: "device", matchValue: "ios" }] }))),
  fc.constant([{ url: "https://example.com/r", conditions: Array.from({ length: 11 }, () => ({ type: "device", matchValue: "ios" })) }]),
);
const validVariants = fc
  .integer({ min: 1, max: 99 })
  .chain((w) => fc.tuple(validUrl, validUrl).map(([a, b]) => [{ url: a, weight: w }, { url: b, weight: 100 - w }]));
const hostileVariants = fc.oneof(
  fc.array(fc.record({ url: fc.oneof(validUrl, hostileUrl), weight: fc.oneof(fc.integer({ min: -5, max: 120 }), hostileNumber) }, { requiredKeys: [] }), { maxLength: 11 }),
  fc.constant([{ url: "https://example.com/a", weight: 100 }]),
  fc.constant(Array.from({ length: 11 }, (_, i) => ({ url: `https://example.com/${i}`, weight: i ? 9 : 10 }))),
);

const sometimes = <T>(arb: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: arb });

const linkFields = {
  url: field(validUrl, hostileUrl),
  slug: field(validSlug, hostileSlug),
  redirectType: field(fc.constantFrom(301, 302, 307, 308), hostileNumber),
  title: field(fc.string({ maxLength: 60 }), hostileText),
  tags: field(validTags, hostileTags),
  expiresAt: field(future, hostileDate),
  // Present one time in four, so that a body of every other field still has a fair chance of being valid.
  validSince: sometimes(field(future, hostileDate)),
  forwardQuery: sometimes(field(fc.boolean(), hostileText)),
  crawlable: sometimes(field(fc.boolean(), hostileText)),
  maxClicks: field(fc.integer({ min: 1, max: 2_147_483_647 }), hostileNumber),
  fallbackUrl: field(validUrl, hostileUrl),
  domain: fc.oneof({ weight: 2, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: field(domainName, hostileText) }),
  rules: field(validRules, hostileRules),
  variants: field(validVariants, hostileVariants),
  // Rare: a valid password costs a PBKDF2 hash (about 16 ms).
  password: fc.oneof({ weight: 1, arbitrary: hostileText }, { weight: 8, arbitrary: fc.constant(undefined) }),
};

/** Near the 1 MiB limit of one link body (either side of it once serialized), or far past it. */
const padding = fc.constantFrom(1_040_000, 1_048_000, 1_049_000, 1_100_000).map((n) => "x".repeat(n));

/** `arb` one time in `n`, else nothing. */
const rarely = <T>(arb: fc.Arbitrary<T>, n: number) =>
  fc.oneof({ weight: n - 1, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: arb });

const linkObject = (requiredUrl: boolean) =>
  fc
    .tuple(
      fc.record(linkFields, { requiredKeys: requiredUrl ? ["url"] : [] }),
      rarely(fc.dictionary(hostileText, fc.jsonValue({ maxDepth: 2 }), { minKeys: 1, maxKeys: 2 }), 8),
      rarely(padding, 20),
    )
    .map(([fields, extra, pad]) => {
      const o: Record<string, unknown> = { ...fields, ...(extra ?? {}) };
      for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
      if (pad) o.title = pad;
      return o;
    });

const jsonBodyOf = (shaped: fc.Arbitrary<unknown>) =>
  fc.oneof({ weight: 8, arbitrary: shaped.map(jsonText) }, { weight: 2, arbitrary: junkBody });

const contentType = fc.oneof(
  { weight: 12, arbitrary: fc.constant("application/json") },
  { weight: 2, arbitrary: fc.constantFrom("text/csv", "text/csv; charset=utf-8") },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      undefined, "", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data", "multipart/form-data; boundary=x",
      "application/json; charset=utf-8", "application/json; charset=utf-16", "application/json;", "APPLICATION/JSON",
      "application/merge-patch+json", "application/jsonp", "application/json, text/plain", "*/*", "\u00e9",
    ),
  },
);

/** Receivers the test suite accepts (loopback, WEBHOOK_ALLOW_LOOPBACK=only): the discard port, nothing listens. */
const validHookUrl = fc.oneof(
  fc.webPath().map((p) => `${SINK}fz${p.replace(/^\//, "")}`),
  fc.constantFrom("http://localhost:9/fz", "https://127.0.0.1:9/fz", "http://[::1]:9/fz"),
);
const hostileHookUrl = fc.oneof(
  hostileUrl,
  fc.constantFrom(
    "https://example.com/hook", "http://10.0.0.1/", "https://169.254.169.254/latest", "ftp://127.0.0.1/", "http://user:pw@127.0.0.1:9/",
    "http://127.0.0.2:9/", "http://0x7f000001/", "http://[::ffff:127.0.0.1]/", "file:///etc/passwd", `${SINK}${"a".repeat(2100)}`,
  ),
);
const eventList = fc.array(fc.constantFrom<string>(...EVENT_TYPES), { minLength: 1, maxLength: 6 });
const hostileEvents = fc.oneof(fc.constant([]), fc.array(fc.oneof(fc.constantFrom("ping", "LINK.CREATED", "clicks "), hostileText), { maxLength: 20 }));
const linkIdList = fc.oneof(fc.constant(null), fc.array(fc.oneof(fc.uuid(), fc.constantFrom("fz-link")), { minLength: 1, maxLength: 3 }));
const hostileLinkIds = fc.oneof(fc.constant([]), fc.array(hostileText, { maxLength: 4 }), fc.constant(Array.from({ length: 1001 }, (_, i) => `l${i}`)));
const withoutUndefined = (o: Record<string, unknown>) => {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
};
const webhookObject = (required: boolean) =>
  fc.tuple(
    fc.record(
      { url: field(validHookUrl, hostileHookUrl), events: field(eventList, hostileEvents), linkIds: field(linkIdList, hostileLinkIds), enabled: field(fc.boolean(), hostileText) },
      { requiredKeys: required ? ["url", "events"] : [] },
    ),
    rarely(fc.dictionary(hostileText, fc.jsonValue({ maxDepth: 2 }), { minKeys: 1, maxKeys: 2 }), 8),
  ).map(([fields, extra]) => {
    const o = withoutUndefined({ ...fields, ...(extra ?? {}) });
    if (required) delete o.enabled; // not a field of a create
    return o;
  });
const qstashReport = fc.record(
  { status: field(fc.constantFrom(200, 410, 500, 503), hostileNumber), retried: field(fc.integer({ min: 0, max: 5 }), hostileNumber), body: field(fc.base64String(), hostileText), error: rarely(hostileText, 4) },
  { requiredKeys: [] },
).map(withoutUndefined);

// ---------------------------------------------------------------------------------------------------------
// The routes. Each entry builds requests for one route of the scope table.

interface Target {
  route: string;
  mutates: boolean;
  requests: fc.Arbitrary<Req>;
}

const statsParams = {
  interval: onTheWire(mostly(fc.constantFrom("hour", "day"), fc.oneof(fc.constantFrom("week", "HOUR"), hostileText))),
  tz: onTheWire(mostly(fc.constantFrom("UTC", "Europe/Berlin", "Asia/Kolkata", "Pacific/Kiritimati", "Etc/GMT+12", "America/St_Johns"), hostileTimeZone)),
  bots: onTheWire(mostly(fc.constantFrom("exclude", "include", "only"), hostileText)),
  limit: onTheWire(mostly(fc.integer({ min: 1, max: 100 }).map(String), hostileIntText)),
  format: onTheWire(mostly(fc.constantFrom("json", "csv"), fc.oneof(fc.constantFrom("CSV", "xml"), hostileText))),
  domain: domainParam,
};
/** Bounds drawn one by one (mostly nonsense), or as a range near an edge; the other parameters alongside. */
const statsQuery = fc.oneof(
  queryString({ from: onTheWire(hostileDate), to: onTheWire(hostileDate), ...statsParams }),
  fc.tuple(hostileRange, queryString(statsParams)).map(([r, rest]) => [`from=${percentEncode(r.from)}&to=${percentEncode(r.to)}`, rest].filter(Boolean).join("&")),
);

const noQuery = queryString({});
/** The query of the routes that name a link by slug. */
const linkQuery = queryString({ domain: domainParam });

function tamper(cursor: string, i: number, ch: string): string {
  const at = i % cursor.length;
  return cursor.slice(0, at) + (cursor[at] === ch ? (ch === "A" ? "B" : "A") : ch) + cursor.slice(at + 1);
}

/** base64url of the UTF-8 of `s`, as an unsigned cursor of old would be. */
const b64url = (s: string) =>
  btoa(String.fromCharCode(...new TextEncoder().encode(s))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

/** Positions as the list route writes them (to the microsecond), in years 0000 to 9999, year 0 (which Postgres lacks) often. */
const position = fc
  .oneof(
    fc.date({ min: new Date("0000-01-01T00:00:00Z"), max: new Date("9999-12-31T23:59:59.999Z"), noInvalidDate: true }),
    fc.date({ min: new Date("0000-01-01T00:00:00Z"), max: new Date("0001-01-01T00:00:00Z"), noInvalidDate: true }),
  )
  .map((d) => d.toISOString().replace("Z", "000Z"));

/** Cursors: the ones issued (used with their q or another), altered ones, unsigned positions of any date, junk. */
const cursorValue = () =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...cursors) },
    { weight: 2, arbitrary: fc.tuple(fc.constantFrom(...cursors), fc.nat(), fc.constantFrom("A", "_", "-", ".", "0")).map(([c, i, ch]) => tamper(c, i, ch)) },
    { weight: 1, arbitrary: fc.constantFrom(...cursors).map((c) => c.split(".").reverse().join(".")) },
    { weight: 2, arbitrary: fc.tuple(fc.oneof(position, hostileDate), fc.oneof(fc.uuid(), hostileText)).map(([d, id]) => b64url(JSON.stringify([d, id]))) },
    { weight: 1, arbitrary: fc.tuple(hostileDate, fc.uuid()).map(([d, id]) => `${b64url(JSON.stringify([d, id]))}.${b64url("x".repeat(32))}`) },
    { weight: 1, arbitrary: fc.oneof(fc.base64String().map((s) => s.replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "")), hostileText, longString) },
  );

function targets(): Target[] {
  const req = (method: string, path: fc.Arbitrary<Segment[]>, query: fc.Arbitrary<string>, body?: fc.Arbitrary<string>) =>
    fc.record({
      method: fc.oneof({ weight: 30, arbitrary: fc.constant(method) }, { weight: 1, arbitrary: fc.constantFrom("PUT", "OPTIONS", "HEAD", "POST", "PATCH") }),
      path,
      query,
      caller: callers,
      ...(body ? { body, contentType } : {}),
      extraHeaders: rarely(
        fc.constantFrom<Record<string, string>>({ accept: "text/csv" }, { accept: "*/*;q=0, text/csv;q=0.5" }, { "upstash-signature": "x.y.z" }, { "x-forwarded-for": "::1" }),
        8,
      ),
    }).map((r) => {
      // A GET or HEAD request cannot carry a body.
      if (r.method === "GET" || r.method === "HEAD") {
        delete (r as Partial<Req>).body;
        delete (r as Partial<Req>).contentType;
      }
      return r as Req;
    });
  const fixed = (...segments: string[]) => fc.constant<Segment[]>(segments);
  const links = ["api", "v1", "links"];
  const linkSlug = slugSegment.map((s): Segment[] => [...links, s]);
  const hooks = ["api", "v1", "webhooks"];
  const hookId = webhookIdSegment.map((s): Segment[] => [...hooks, s]);

  const bulkBody = fc.oneof(
    { weight: 8, arbitrary: fc.record({ links: fc.array(fc.oneof({ weight: 4, arbitrary: linkObject(true) }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) }), { minLength: 0, maxLength: 4 }) }, { requiredKeys: [] }).map(jsonText) },
    // At the count limits; the 1,000 are each invalid so that a success does not insert a thousand rows.
    { weight: 1, arbitrary: fc.constant(jsonText({ links: Array.from({ length: 1000 }, () => ({ url: "not a url" })) })) },
    { weight: 1, arbitrary: fc.constant(jsonText({ links: Array.from({ length: 1001 }, () => ({ url: "https://example.com/bulk" })) })) },
    { weight: 1, arbitrary: fc.constant(101).map((n) => jsonText({ links: Array.from({ length: n }, () => ({ url: "https://example.com/bulk", password: "pw" })) })) },
    { weight: 1, arbitrary: fc.constant(jsonText({ links: [{ url: "https://example.com/big", title: "x".repeat(2_200_000) }] })) },
    { weight: 1, arbitrary: deepJson.map((d) => `{"links":[${d}]}`) },
    { weight: 2, arbitrary: junkBody },
  );
  // Files as each tool writes them, with hostile cells; JSON arrays of link-shaped objects; junk.
  const csvCell = fc.oneof(fc.constantFrom("", "https://example.com/fz", "fz-imp", "a|b", '"', '""', "\r\n", "2024-01-01 00:00:00", "bit.ly/fz"), hostileText)
    .map((v) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v));
  const header = fc.constantFrom(
    "Long URL,Short code,Domain,Title,Tags", "id,link,long_url,title,created_at,tags", "keyword,url,title,timestamp,ip,clicks",
    "Short Link,Destination URL,Title,Tags,Created At", "url,slug,expiresAt,maxClicks,rules,variants,password,hasPassword",
    "id,slug,domain,shortUrl,url,redirectType,title,tags,expiresAt,maxClicks,fallbackUrl,hasPassword,rules,variants,clicks,createdAt,updatedAt",
    "visits", "",
  );
  const csvFile = fc.tuple(header, fc.array(fc.array(csvCell, { maxLength: 18 }).map((r) => r.join(",")), { maxLength: 5 }), fc.constantFrom("\n", "\r\n", "\r"))
    .map(([h, rows, nl]) => [h, ...rows].join(nl));
  const importBody = fc.oneof(
    { weight: 4, arbitrary: csvFile },
    { weight: 1, arbitrary: fc.constantFrom("", "\ufeff", "\n\n", "url") },
    { weight: 3, arbitrary: fc.array(fc.oneof(linkObject(true), fc.jsonValue({ maxDepth: 2 })), { maxLength: 4 }).map(jsonText) },
    { weight: 1, arbitrary: fc.array(linkObject(true), { maxLength: 3 }).map((data) => jsonText({ data })) },
    { weight: 2, arbitrary: junkBody },
  );
  const keyBody = jsonBodyOf(
    fc.record(
      {
        name: field(fc.constantFrom("fz key", " fz key ", "ключ", "x".repeat(100)), hostileText),
        scopes: field(fc.array(fc.constantFrom<string>(...scopes), { minLength: 1, maxLength: 16 }), fc.array(hostileText, { maxLength: 18 })),
        domains: rarely(field(fc.array(domainName, { minLength: 1, maxLength: 3 }), fc.array(hostileText, { maxLength: 102 })), 3),
        ownLinksOnly: rarely(field(fc.boolean(), hostileText), 3),
        extra: rarely(fc.jsonValue({ maxDepth: 2 }), 8),
      },
      { requiredKeys: ["name", "scopes"] },
    ).map((o) => {
      for (const k of ["extra", "domains", "ownLinksOnly"] as const) if (o[k] === undefined) delete (o as Partial<typeof o>)[k];
      return o;
    }),
  );
  const redirectField = field(validUrl, hostileUrl);
  const domainFields = { rootRedirect: rarely(redirectField, 2), notFoundRedirect: rarely(redirectField, 2) };
  const dropUndefined = (o: Record<string, unknown>) => {
    for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
    return o;
  };
  const newHostname = fc.stringMatching(/^[a-z0-9]{1,20}$/).map((s) => `fz${s}.example.test`);
  const domainBody = jsonBodyOf(
    fc.record({ hostname: field(fc.oneof(newHostname, domainName), hostileText), ...domainFields, extra: rarely(fc.jsonValue({ maxDepth: 2 }), 8) }, { requiredKeys: ["hostname"] }).map(dropUndefined),
  );
  const domainPatchBody = jsonBodyOf(fc.record({ ...domainFields, extra: rarely(fc.jsonValue({ maxDepth: 2 }), 8) }, { requiredKeys: [] }).map(dropUndefined));
  const domainSegment = fc.oneof(
    { weight: 4, arbitrary: fc.constant(victimDomain) },
    { weight: 2, arbitrary: domainName.map((d) => (d === "{victim}" ? "sho.rt" : percentEncode(d))) },
    { weight: 1, arbitrary: onTheWire(hostileText) },
  );
  const domainPath = domainSegment.map((s): Segment[] => ["api", "v1", "domains", s]);
  const tagPath = tagSegment.map((s): Segment[] => ["api", "v1", "tags", s]);
  const renameBody = jsonBodyOf(
    fc.record({ name: tagName, extra: rarely(fc.jsonValue({ maxDepth: 2 }), 8) }, { requiredKeys: [] }).map(dropUndefined),
  );

  return [
    { route: "POST /api/v1/links", mutates: true, requests: req("POST", fixed(...links), noQuery, jsonBodyOf(linkObject(true))) },
    { route: "POST /api/v1/links/bulk", mutates: true, requests: req("POST", fixed(...links, "bulk"), noQuery, bulkBody) },
    {
      route: "GET /api/v1/links",
      mutates: false,
      requests: req("GET", fixed(...links), queryString({
        limit: onTheWire(mostly(fc.integer({ min: 1, max: 100 }).map(String), hostileIntText)),
        cursor: onTheWire(cursorValue()),
        q: onTheWire(mostly(fc.constantFrom("fz", "page", "%", "_"), hostileText)),
        tag: onTheWire(mostly(fc.constantFrom("fz", "victim"), hostileText)),
        domain: domainParam,
      })),
    },
    {
      route: "POST /api/v1/links/import",
      mutates: true,
      requests: req("POST", fixed(...links, "import"), queryString({
        format: onTheWire(mostly(fc.constantFrom("auto", "bitly", "shlink", "kutt", "dub", "yourls", "csv", "json"), hostileText)),
        onConflict: onTheWire(mostly(fc.constantFrom("skip", "update"), hostileText)),
        dryRun: onTheWire(mostly(fc.constantFrom("true", "false"), hostileText)),
        domain: domainParam,
      }), importBody),
    },
    {
      route: "GET /api/v1/links/export",
      mutates: false,
      requests: req("GET", fixed(...links, "export"), queryString({
        format: onTheWire(mostly(fc.constantFrom("csv", "json"), hostileText)),
        q: onTheWire(mostly(fc.constantFrom("fz", "%", "_"), hostileText)),
        tag: onTheWire(mostly(fc.constantFrom("fz", "victim"), hostileText)),
        domain: domainParam,
      })),
    },
    { route: "GET /api/v1/imports/{id}", mutates: false, requests: req("GET", fc.oneof(
      { weight: 4, arbitrary: fc.constant<Segment>({ victim: "importId" }) },
      { weight: 1, arbitrary: fc.uuid() },
      { weight: 1, arbitrary: onTheWire(hostileText) },
    ).map((s): Segment[] => ["api", "v1", "imports", s]), noQuery) },
    { route: "GET /api/v1/links/{slug}", mutates: false, requests: req("GET", linkSlug, linkQuery) },
    {
      route: "PATCH /api/v1/links/{slug}", mutates: true,
      // Besides hostile bodies, small valid ones: a body of many hostile fields is rarely valid as a whole, and
      // the run must reach both sides (it once had no success in 500).
      requests: req("PATCH", linkSlug, linkQuery, jsonBodyOf(fc.oneof(
        { weight: 4, arbitrary: linkObject(false) },
        { weight: 1, arbitrary: fc.record({ title: fc.string({ maxLength: 60 }), tags: validTags }, { requiredKeys: [] }) },
      ))),
    },
    { route: "DELETE /api/v1/links/{slug}", mutates: true, requests: req("DELETE", linkSlug, linkQuery, fc.option(junkBody, { nil: undefined }) as fc.Arbitrary<string>) },
    { route: "GET /api/v1/links/{slug}/stats", mutates: false, requests: req("GET", slugSegment.map((s): Segment[] => [...links, s, "stats"]), statsQuery) },
    { route: "GET /api/v1/stats", mutates: false, requests: req("GET", fixed("api", "v1", "stats"), statsQuery) },
    { route: "GET /api/v1/tags", mutates: false, requests: req("GET", fixed("api", "v1", "tags"), noQuery) },
    { route: "PATCH /api/v1/tags/{tag}", mutates: true, requests: req("PATCH", tagPath, noQuery, renameBody) },
    { route: "DELETE /api/v1/tags/{tag}", mutates: true, requests: req("DELETE", tagPath, noQuery, fc.option(junkBody, { nil: undefined }) as fc.Arbitrary<string>) },
    { route: "POST /api/v1/ingest/flush", mutates: true, requests: req("POST", fixed("api", "v1", "ingest", "flush"), noQuery, fc.option(junkBody, { nil: undefined }) as fc.Arbitrary<string>) },
    { route: "GET /api/v1/ingest/status", mutates: false, requests: req("GET", fixed("api", "v1", "ingest", "status"), noQuery) },
    {
      route: "POST /api/v1/ingest/dead-letters/replay",
      mutates: true,
      requests: req("POST", fixed("api", "v1", "ingest", "dead-letters", "replay"), queryString({ limit: onTheWire(mostly(fc.integer({ min: 1, max: 1000 }).map(String), hostileIntText)) }), fc.option(junkBody, { nil: undefined }) as fc.Arbitrary<string>),
    },
    { route: "POST /api/v1/keys", mutates: true, requests: req("POST", fixed("api", "v1", "keys"), noQuery, keyBody) },
    { route: "GET /api/v1/keys", mutates: false, requests: req("GET", fixed("api", "v1", "keys"), noQuery) },
    { route: "DELETE /api/v1/keys/{id}", mutates: true, requests: req("DELETE", keyIdSegment.map((s): Segment[] => ["api", "v1", "keys", s]), noQuery) },
    { route: "POST /api/v1/domains", mutates: true, requests: req("POST", fixed("api", "v1", "domains"), noQuery, domainBody) },
    { route: "GET /api/v1/domains", mutates: false, requests: req("GET", fixed("api", "v1", "domains"), noQuery) },
    { route: "PATCH /api/v1/domains/{hostname}", mutates: true, requests: req("PATCH", domainPath, noQuery, domainPatchBody) },
    { route: "DELETE /api/v1/domains/{hostname}", mutates: true, requests: req("DELETE", domainPath, noQuery) },
    { route: "POST /api/v1/webhooks", mutates: true, requests: req("POST", fixed(...hooks), noQuery, jsonBodyOf(webhookObject(true))) },
    { route: "GET /api/v1/webhooks", mutates: false, requests: req("GET", fixed(...hooks), noQuery) },
    { route: "GET /api/v1/webhooks/{id}", mutates: false, requests: req("GET", hookId, noQuery) },
    { route: "PATCH /api/v1/webhooks/{id}", mutates: true, requests: req("PATCH", hookId, noQuery, jsonBodyOf(webhookObject(false))) },
    { route: "DELETE /api/v1/webhooks/{id}", mutates: true, requests: req("DELETE", hookId, noQuery) },
    { route: "POST /api/v1/webhooks/{id}/test", mutates: true, requests: req("POST", hookId.map((p) => [...p, "test"]), noQuery, fc.option(junkBody, { nil: undefined }) as fc.Arbitrary<string>) },
    { route: "POST /api/v1/webhooks/{id}/rotate-secret", mutates: true, requests: req("POST", hookId.map((p) => [...p, "rotate-secret"]), noQuery) },
    {
      route: "GET /api/v1/webhooks/{id}/deliveries",
      mutates: false,
      requests: req("GET", hookId.map((p) => [...p, "deliveries"]), queryString({
        status: onTheWire(mostly(fc.constantFrom("pending", "queued", "succeeded", "failed"), hostileText)),
        cursor: onTheWire(cursorValue()),
        limit: onTheWire(mostly(fc.integer({ min: 1, max: 100 }).map(String), hostileIntText)),
      })),
    },
    {
      route: "POST /api/v1/webhooks/{id}/deliveries/{deliveryId}/retry",
      mutates: true,
      requests: req("POST", fc.tuple(webhookIdSegment, deliveryIdSegment).map(([w, d]): Segment[] => [...hooks, w, "deliveries", d, "retry"]), noQuery),
    },
    {
      route: "POST /api/v1/webhooks/qstash-callback",
      mutates: true,
      requests: req("POST", fixed(...hooks, "qstash-callback"), queryString({
        delivery: onTheWire(mostly(fc.oneof(fc.constant(victim.deliveryId), fc.stringMatching(/^[A-Za-z0-9]{24}$/).map((x) => `msg_${x}`)), hostileText)),
        outcome: onTheWire(mostly(fc.constantFrom("success", "failure"), hostileText)),
      }), jsonBodyOf(qstashReport)),
    },
  ];
}

// ---------------------------------------------------------------------------------------------------------
// What a refused request must leave alone.

/**
 * Rows and revocations of links and api_keys, rows and changes of domains; every update of a link bumps its
 * version. last_used_at is left out: authentication writes it.
 */
async function tables(): Promise<string> {
  const r = await db.execute(sql`select
    (select count(*) from links) as links, (select coalesce(sum(version), 0) from links) as versions,
    (select max(updated_at) from links) as updated, (select count(*) from api_keys) as keys,
    (select count(revoked_at) from api_keys) as revoked, (select count(*) from domains) as domains,
    (select max(updated_at) from domains) as domains_updated`);
  return JSON.stringify(r.rows[0]);
}

/** The slugs a request names (its path, its body's slug fields) and the victim: their link-cache entries. */
function namedSlugs(req: Req): string[] {
  const out = new Set<string>([victim.slug]);
  for (const seg of req.path) {
    if (typeof seg !== "string") continue;
    try {
      const s = decodeURIComponent(seg);
      if (isValidSlug(s)) out.add(s);
    } catch { /* not a slug */ }
  }
  try {
    const body = JSON.parse(req.body ?? "null") as { slug?: unknown; links?: { slug?: unknown }[] } | null;
    const items = [body, ...(Array.isArray(body?.links) ? body.links : [])];
    for (const item of items) if (typeof item?.slug === "string" && isValidSlug(item.slug)) out.add(item.slug);
  } catch { /* not JSON */ }
  return [...out];
}

const cacheEntries = async (slugs: string[]) => JSON.stringify(await redis.mget(...slugs.map(redisKeys.link)));

// ---------------------------------------------------------------------------------------------------------

async function expectWellFormed(res: Response, req: Req, route: string) {
  const what = () => `${route}: ${req.method} ${pathOf(req).slice(0, 300)} as ${req.caller} (${res.status})`;
  expect(res.status, what()).toBeLessThan(500);
  if (res.status >= 400 && req.method !== "HEAD") {
    expect(res.headers.get("content-type"), what()).toBe("application/problem+json");
    const body = (await res.json()) as { status?: unknown; title?: unknown; detail?: unknown };
    expect(body.status, what()).toBe(res.status);
    expect(typeof body.title, what()).toBe("string");
  }
}

describe(`every /api/v1 route, ${RUNS} arbitrary requests each: no 5xx, problem+json refusals, no change from a refused request`, () => {
  // The campaign may give the default domain (shared by every test file) a root or not-found redirect.
  afterEach(async () => {
    const res = await call("PATCH", "/api/v1/domains/sho.rt", { body: { rootRedirect: null, notFoundRedirect: null } });
    expect(res.status).toBe(200);
  });
  it("covers exactly the routes of the scope table", () => {
    expect(targets().map((t) => t.route).sort()).toEqual(routeScopes.map((r) => r.route).sort());
  });

  // Built per test: the arbitraries close over the cursors made in beforeAll.
  for (const route of routeScopes.map((r) => r.route)) {
    it(route, async () => {
      const target = targets().find((t) => t.route === route)!;
      const scope = routeScopes.find((r) => r.route === route)!.scope;
      const seen = new Map<number, number>();
      const started = Date.now();
      let lastTables = await tables();
      const startTables = lastTables;

      await fc.assert(
        fc.asyncProperty(target.requests, async (req) => {
          const slugs = target.mutates ? namedSlugs(req) : [];
          const cacheBefore = target.mutates ? await cacheEntries(slugs) : "";
          const res = await send(req, scope);
          seen.set(res.status, (seen.get(res.status) ?? 0) + 1);
          await expectWellFormed(res, req, route);
          if (!target.mutates) return;
          if (res.status >= 400) {
            expect(await tables(), `${route}: the refused ${req.method} ${pathOf(req).slice(0, 200)} (${res.status}) changed a table`).toBe(lastTables);
            expect(await cacheEntries(slugs), `${route}: the refused request (${res.status}) changed the link cache`).toBe(cacheBefore);
            return;
          }
          // A valid request may delete, revoke or move what the next ones aim at.
          const aimed = req.path.some((seg) => typeof seg !== "string");
          if (aimed && res.status === 204 && route === "DELETE /api/v1/links/{slug}") await newVictimLink();
          if (aimed && res.status === 204 && route === "DELETE /api/v1/keys/{id}") await newVictimKey();
          if (aimed && res.status === 204 && route === "DELETE /api/v1/domains/{hostname}") await newVictimDomain();
          if (aimed && res.status === 204 && route === "DELETE /api/v1/webhooks/{id}") await newVictimWebhook();
          if (aimed && res.status === 204 && route === "DELETE /api/v1/tags/{tag}") await newVictimTag();
          if (aimed && res.status === 200 && route === "PATCH /api/v1/tags/{tag}") victim.tag = ((await res.json()) as { tag: string }).tag;
          // A disabled victim refuses tests and retries: enable it again so those routes keep reaching success.
          if (aimed && res.status === 200 && route === "PATCH /api/v1/webhooks/{id}") await call("PATCH", `/api/v1/webhooks/${victim.webhookId}`, { body: { enabled: true } });
          if (aimed && res.status === 200 && req.method === "PATCH" && route === "PATCH /api/v1/links/{slug}") {
            victim.slug = ((await res.json()) as { slug: string }).slug;
          }
          lastTables = await tables();
        }),
        { numRuns: RUNS },
      );

      if (!target.mutates) expect(await tables(), `${route} changed a table`).toBe(startTables);
      const statuses = [...seen.keys()];
      console.log(`${route}: ${RUNS} runs in ${Date.now() - started} ms; statuses ${JSON.stringify(Object.fromEntries([...seen].sort()))}`);
      // The generators reach both sides: requests that succeed and requests that are refused.
      expect(statuses.some((s) => s < 300), `${route}: no request succeeded`).toBe(true);
      expect(statuses.some((s) => s >= 400), `${route}: no request was refused`).toBe(true);
    }, timeout(RUNS));
  }
});

// ---------------------------------------------------------------------------------------------------------

/** 90 MB, produced a chunk at a time as the Worker reads; `read()` says how much it took. */
function hugeBody(total = 90 * 1024 * 1024, chunk = 64 * 1024) {
  let produced = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(c) {
      if (produced >= total) return c.close();
      c.enqueue(new Uint8Array(chunk).fill(0x61));
      produced += chunk;
    },
  });
  return { stream, read: () => produced };
}

async function login(): Promise<string> {
  const res = await call("POST", "/app/login", {
    key: null,
    headers: { "content-type": "application/x-www-form-urlencoded", origin: BASE },
    raw: new URLSearchParams({ key: ADMIN_KEY }),
  });
  expect(res.status).toBe(303);
  return res.headers.get("set-cookie")!.split(";")[0];
}

describe("a 90 MB body answers 413 problem+json on every route, read no further than the limit", () => {
  const form = "application/x-www-form-urlencoded";
  const writes = routeScopes.map((r) => r.route).filter((r) => !r.startsWith("GET "));
  const api: [string, string, string, Record<string, string>][] = [
    ...writes.map((r): [string, string, string, Record<string, string>] => [r.split(" ")[0], r.split(" ")[1].replace("{slug}", "fz-nope").replace("{id}", crypto.randomUUID()).replace("{hostname}", "fz-nope.example.test").replace("{tag}", "fz-nope"), "application/json", {}]),
    // QStash's way in reads the body to check its signature.
    ["POST", "/api/v1/ingest/flush", "application/json", { "upstash-signature": "x.y.z" }],
    ["POST", "/api/v1/nothing-here", "application/json", {}],
  ];
  const pages: [string, string][] = [
    ["POST", "/app/login"], ["POST", "/app/logout"], ["POST", "/app/create"], ["POST", "/app/links/fz-nope/edit"],
    ["POST", "/app/links/fz-nope/delete"], ["POST", "/app/keys"], ["POST", `/app/keys/${crypto.randomUUID()}/revoke`],
    ["POST", "/app/domains"], ["POST", "/app/domains/fz-nope.example.test/edit"], ["POST", "/app/domains/fz-nope.example.test/remove"],
    ["POST", "/app/tags/rename"], ["POST", "/app/tags/delete"],
    // A protected link's password form.
    ["POST", "/fz-nope"],
  ];

  async function expect413(method: string, path: string, headers: Record<string, string>, key: string | null) {
    const body = hugeBody();
    const started = Date.now();
    const res = await call(method, path, { key, headers, raw: body.stream });
    const what = `${method} ${path} ${key ? "with" : "without"} credentials`;
    expect(res.status, `${what}: ${await res.clone().text()}`).toBe(413);
    expect(res.headers.get("content-type"), what).toBe("application/problem+json");
    expect(((await res.json()) as { status: number }).status).toBe(413);
    expect(body.read(), `${what} read ${body.read()} bytes`).toBeLessThanOrEqual(5 * 1024 * 1024);
    expect(Date.now() - started, what).toBeLessThan(5_000);
  }

  it("the API, with and without a key", async () => {
    for (const [method, path, type, headers] of api) {
      for (const key of [ADMIN_KEY, null]) await expect413(method, path, { "content-type": type, ...headers }, key);
    }
  });

  it("the dashboard's forms and the password form, with and without a session", async () => {
    const cookie = await login();
    for (const [method, path] of pages) {
      for (const session of [{ cookie }, {}] as Record<string, string>[]) await expect413(method, path, { "content-type": form, origin: BASE, ...session }, null);
    }
  });

  it("the sign-in form past a few KB, before it is parsed", async () => {
    const res = await call("POST", "/app/login", {
      key: null,
      headers: { "content-type": form, origin: BASE },
      raw: new URLSearchParams({ key: ADMIN_KEY, next: `/app/links?q=${"x".repeat(20_000)}` }),
    });
    expect(res.status).toBe(413);
    expect(res.headers.get("set-cookie")).toBeNull();
  });
});
