/**
 * The route table of the /api/v1 input campaign (routes-property.error.test.ts): for every route of the scope
 * table (route-scopes.ts), the arbitrary requests sent to it, with their callers, query strings (stats ranges,
 * list cursors) and bodies (fuzz-api-values.ts, fuzz-api-bodies.ts). Apart from the campaign, which sends the
 * requests, resolves the victims they name and judges the answers.
 */
import fc from "fast-check";
import {
  hostileDate, hostileIntText, hostileRange, hostileText, hostileTimeZone, junkBody, longString, mostly, onTheWire, percentEncode,
  queryString,
} from "../fuzz-arbitraries.ts";
import {
  blockBody, bulkBody, domainBody, domainPatchBody, importBody, keyBody, qstashReport, renameBody, reportBody, resolveBody, userBody, userPatchBody, webhookObject,
} from "./fuzz-api-bodies.ts";
import {
  blockRuleSegment, contentType, deliveryIdSegment, domainName, domainParam, jsonBodyOf, keyIdSegment, linkObject, rarely, reportIdSegment, slugSegment, tagSegment,
  userIdSegment, validTags, victimDomain, webhookIdSegment, type ApiSegment,
} from "./fuzz-api-values.ts";

export type ApiCaller = "admin" | "scoped" | "other-scope" | "none" | "unknown" | "revoked" | "basic" | "garbage";

export interface ApiReq {
  method: string;
  path: ApiSegment[];
  query: string;
  body?: string;
  contentType?: string;
  caller: ApiCaller;
  extraHeaders?: Record<string, string>;
}

const callers = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom<ApiCaller>("admin", "scoped") },
  { weight: 1, arbitrary: fc.constantFrom<ApiCaller>("other-scope", "none", "unknown", "revoked", "basic", "garbage") },
);

interface Target {
  route: string;
  mutates: boolean;
  requests: fc.Arbitrary<ApiReq>;
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
/** A plausible value eight times in nine: for routes of many parameters, whose requests `mostly` would nearly all refuse. */
const seldom = <T>(plausible: fc.Arbitrary<T>, hostile: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 8, arbitrary: plausible }, { weight: 1, arbitrary: hostile });
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
const cursorValue = (cursors: string[]) =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...cursors) },
    { weight: 2, arbitrary: fc.tuple(fc.constantFrom(...cursors), fc.nat(), fc.constantFrom("A", "_", "-", ".", "0")).map(([c, i, ch]) => tamper(c, i, ch)) },
    { weight: 1, arbitrary: fc.constantFrom(...cursors).map((c) => c.split(".").reverse().join(".")) },
    { weight: 2, arbitrary: fc.tuple(fc.oneof(position, hostileDate), fc.oneof(fc.uuid(), hostileText)).map(([d, id]) => b64url(JSON.stringify([d, id]))) },
    { weight: 1, arbitrary: fc.tuple(hostileDate, fc.uuid()).map(([d, id]) => `${b64url(JSON.stringify([d, id]))}.${b64url("x".repeat(32))}`) },
    { weight: 1, arbitrary: fc.oneof(fc.base64String().map((s) => s.replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "")), hostileText, longString) },
  );

/**
 * Every route with the requests sent to it. `cursors`: nextCursor values the list route issued, and
 * `deliveryId`: the victim webhook's delivery that QStash's callback names; the campaign makes both first.
 */
export function apiTargets(cursors: string[], deliveryId: string): Target[] {
  const req = (method: string, path: fc.Arbitrary<ApiSegment[]>, query: fc.Arbitrary<string>, body?: fc.Arbitrary<string>) =>
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
        delete (r as Partial<ApiReq>).body;
        delete (r as Partial<ApiReq>).contentType;
      }
      return r as ApiReq;
    });
  const fixed = (...segments: string[]) => fc.constant<ApiSegment[]>(segments);
  const links = ["api", "v1", "links"];
  const linkSlug = slugSegment.map((s): ApiSegment[] => [...links, s]);
  const hooks = ["api", "v1", "webhooks"];
  const hookId = webhookIdSegment.map((s): ApiSegment[] => [...hooks, s]);

  const domainSegment = fc.oneof(
    { weight: 4, arbitrary: fc.constant(victimDomain) },
    { weight: 2, arbitrary: domainName.map((d) => (d === "{victim}" ? "sho.rt" : percentEncode(d))) },
    { weight: 1, arbitrary: onTheWire(hostileText) },
  );
  const domainPath = domainSegment.map((s): ApiSegment[] => ["api", "v1", "domains", s]);
  const tagPath = tagSegment.map((s): ApiSegment[] => ["api", "v1", "tags", s]);

  return [
    { route: "POST /api/v1/links", mutates: true, requests: req("POST", fixed(...links), noQuery, jsonBodyOf(linkObject(true))) },
    { route: "POST /api/v1/links/bulk", mutates: true, requests: req("POST", fixed(...links, "bulk"), noQuery, bulkBody) },
    {
      route: "GET /api/v1/links",
      mutates: false,
      requests: req("GET", fixed(...links), queryString({
        limit: onTheWire(mostly(fc.integer({ min: 1, max: 100 }).map(String), hostileIntText)),
        cursor: onTheWire(cursorValue(cursors)),
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
      { weight: 4, arbitrary: fc.constant<ApiSegment>({ victim: "importId" }) },
      { weight: 1, arbitrary: fc.uuid() },
      { weight: 1, arbitrary: onTheWire(hostileText) },
    ).map((s): ApiSegment[] => ["api", "v1", "imports", s]), noQuery) },
    { route: "GET /api/v1/links/{slug}", mutates: false, requests: req("GET", linkSlug, linkQuery) },
    {
      route: "PATCH /api/v1/links/{slug}", mutates: true,
      // Besides hostile bodies, small valid ones: a body of many hostile fields is rarely valid as a whole, and
      // the run must reach both sides (it once had no success in 500).
      requests: req("PATCH", linkSlug, linkQuery, jsonBodyOf(fc.oneof(
        { weight: 4, arbitrary: linkObject(false) },
        { weight: 1, arbitrary: fc.record({ title: fc.string({ maxLength: 60 }), tags: validTags }, { requiredKeys: [] }) },
        // The admin-only fields (a links:write key is refused with 403, and changes nothing).
        { weight: 1, arbitrary: fc.record({
          disabled: fc.oneof(fc.boolean(), hostileText), disabledReason: fc.oneof(fc.constant(null), fc.string({ maxLength: 80 }), hostileText),
          warning: fc.oneof(fc.constant(null), fc.string({ minLength: 1, maxLength: 80 }), hostileText),
        }, { requiredKeys: [] }) },
      ))),
    },
    { route: "DELETE /api/v1/links/{slug}", mutates: true, requests: req("DELETE", linkSlug, linkQuery, fc.option(junkBody, { nil: undefined }) as fc.Arbitrary<string>) },
    { route: "GET /api/v1/links/{slug}/stats", mutates: false, requests: req("GET", slugSegment.map((s): ApiSegment[] => [...links, s, "stats"]), statsQuery) },
    {
      route: "GET /api/v1/links/{slug}/qr",
      mutates: false,
      // Eight parameters, each hostile at times: hostile ones are kept rare enough that whole requests are
      // drawn often (at 1 in 3 each, 5 of 500 were), at sizes that keep 500 drawings quick.
      requests: req("GET", slugSegment.map((s): ApiSegment[] => [...links, s, "qr"]), queryString({
        format: onTheWire(seldom(fc.constantFrom("png", "svg"), fc.oneof(fc.constantFrom("PNG", "gif"), hostileText))),
        size: onTheWire(seldom(fc.integer({ min: 64, max: 640 }).map(String), fc.oneof(fc.constantFrom("2048", "63", "2049", "1e3", "0x100"), hostileIntText))),
        margin: onTheWire(seldom(fc.integer({ min: 0, max: 16 }).map(String), hostileIntText)),
        fg: onTheWire(seldom(fc.constantFrom("#000000", "1a237e", "#777777", "#ffffff"), hostileText)),
        bg: onTheWire(seldom(fc.constantFrom("#ffffff", "fff8e1", "#ffffff00", "#000000"), hostileText)),
        ecc: onTheWire(seldom(fc.constantFrom("L", "M", "Q", "H"), hostileText)),
        logo: onTheWire(seldom(fc.constantFrom("true", "false"), hostileText)),
        domain: domainParam,
      })),
    },
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
    { route: "DELETE /api/v1/keys/{id}", mutates: true, requests: req("DELETE", keyIdSegment.map((s): ApiSegment[] => ["api", "v1", "keys", s]), noQuery) },
    { route: "POST /api/v1/users", mutates: true, requests: req("POST", fixed("api", "v1", "users"), noQuery, userBody) },
    { route: "GET /api/v1/users", mutates: false, requests: req("GET", fixed("api", "v1", "users"), noQuery) },
    { route: "PATCH /api/v1/users/{id}", mutates: true, requests: req("PATCH", userIdSegment.map((s): ApiSegment[] => ["api", "v1", "users", s]), noQuery, userPatchBody) },
    { route: "DELETE /api/v1/users/{id}", mutates: true, requests: req("DELETE", userIdSegment.map((s): ApiSegment[] => ["api", "v1", "users", s]), noQuery) },
    { route: "POST /api/v1/domains", mutates: true, requests: req("POST", fixed("api", "v1", "domains"), noQuery, domainBody) },
    { route: "GET /api/v1/domains", mutates: false, requests: req("GET", fixed("api", "v1", "domains"), noQuery) },
    { route: "GET /api/v1/domains/{hostname}", mutates: false, requests: req("GET", domainPath, noQuery) },
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
        cursor: onTheWire(cursorValue(cursors)),
        limit: onTheWire(mostly(fc.integer({ min: 1, max: 100 }).map(String), hostileIntText)),
      })),
    },
    {
      route: "POST /api/v1/webhooks/{id}/deliveries/{deliveryId}/retry",
      mutates: true,
      requests: req("POST", fc.tuple(webhookIdSegment, deliveryIdSegment).map(([w, d]): ApiSegment[] => [...hooks, w, "deliveries", d, "retry"]), noQuery),
    },
    {
      route: "POST /api/v1/webhooks/qstash-callback",
      mutates: true,
      requests: req("POST", fixed(...hooks, "qstash-callback"), queryString({
        delivery: onTheWire(mostly(fc.oneof(fc.constant(deliveryId), fc.stringMatching(/^[A-Za-z0-9]{24}$/).map((x) => `msg_${x}`)), hostileText)),
        outcome: onTheWire(mostly(fc.constantFrom("success", "failure"), hostileText)),
      }), jsonBodyOf(qstashReport)),
    },
    {
      route: "POST /api/v1/reports",
      mutates: true,
      // Strangers, each from an address of its own now and then, so the per-client limit is met and passed.
      requests: fc.tuple(req("POST", fixed("api", "v1", "reports"), noQuery, reportBody), fc.option(fc.ipV6(), { freq: 2 })).map(([r, ip]) =>
        ip === null ? r : { ...r, extraHeaders: { ...r.extraHeaders, "x-forwarded-for": ip } }),
    },
    {
      route: "GET /api/v1/reports",
      mutates: false,
      requests: req("GET", fixed("api", "v1", "reports"), queryString({
        status: onTheWire(mostly(fc.constantFrom("open", "disabled", "dismissed"), fc.oneof(fc.constantFrom("OPEN", "all", ""), hostileText))),
        cursor: onTheWire(cursorValue(cursors)),
        limit: onTheWire(mostly(fc.integer({ min: 1, max: 100 }).map(String), hostileIntText)),
      })),
    },
    {
      route: "POST /api/v1/reports/{id}/resolve",
      mutates: true,
      requests: req("POST", reportIdSegment.map((s): ApiSegment[] => ["api", "v1", "reports", s, "resolve"]), noQuery, resolveBody),
    },
    {
      route: "GET /api/v1/audit",
      mutates: false,
      requests: req("GET", fixed("api", "v1", "audit"), queryString({
        actor: onTheWire(mostly(fc.constantFrom("admin", "usr_0000000000000000"), hostileText)),
        action: onTheWire(mostly(fc.constantFrom("link.created", "domain.deleted"), hostileText)),
        target: onTheWire(mostly(fc.constantFrom("link:x", "tag:fz"), hostileText)),
        from: onTheWire(hostileDate),
        to: onTheWire(hostileDate),
        // Cursors of the links list: signed by this deployment, but not for this route.
        cursor: onTheWire(cursorValue(cursors)),
        limit: onTheWire(mostly(fc.integer({ min: 1, max: 100 }).map(String), hostileIntText)),
      })),
    },
    {
      route: "GET /api/v1/blocklist",
      mutates: false,
      requests: req("GET", fixed("api", "v1", "blocklist"), queryString({
        // Cursors of the links list: signed by this deployment, but not for this route.
        cursor: onTheWire(cursorValue(cursors)),
        limit: onTheWire(mostly(fc.integer({ min: 1, max: 500 }).map(String), hostileIntText)),
      })),
    },
    { route: "POST /api/v1/blocklist", mutates: true, requests: req("POST", fixed("api", "v1", "blocklist"), noQuery, blockBody) },
    {
      route: "DELETE /api/v1/blocklist/{host}",
      mutates: true,
      requests: req("DELETE", blockRuleSegment.map((h): ApiSegment[] => ["api", "v1", "blocklist", h]), noQuery),
    },
  ];
}
