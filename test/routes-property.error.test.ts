/**
 * The input campaign: every /api/v1 route of the scope table (helpers/route-scopes.ts), sent arbitrary path
 * parameters, query parameters, JSON bodies, content types and callers, hostile values foremost (see
 * fuzz-arbitraries.ts). Whatever arrives:
 * - the answer is never a 5xx;
 * - every 4xx is application/problem+json with its status in the body;
 * - a refused request changes nothing: after each refused write, the links, api_keys, domains, users and
 *   audit_log tables and the link cache entries of the slugs it named are as they were before it; read routes change nothing at all.
 * The runs per route are FUZZ_RUNS when that binding is set (`npm run fuzz`), else SUITE_RUNS. Each route must
 * also see at least one success and one refusal, so a generator that only ever produces 401s fails.
 *
 * The requests are made in helpers/fuzz-api-targets.ts (the route table), fuzz-api-values.ts and
 * fuzz-api-bodies.ts; the body limits are tested in routes-body-limit.error.test.ts.
 */
import fc from "fast-check";
import { sql } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { scopes, type Scope } from "../functions/shared/auth/scopes.ts";
import { redisKeys } from "../functions/shared/redis-keys.ts";
import { isValidSlug } from "../functions/shared/slugs.ts";
import { percentEncode } from "./fuzz-arbitraries.ts";
import { createLink, mintKey } from "./helpers/api.ts";
import { openDb } from "./helpers/db.ts";
import { ADMIN_KEY, bindings } from "./helpers/env.ts";
import { apiTargets, type ApiCaller, type ApiReq } from "./helpers/fuzz-api-targets.ts";
import type { ApiSegment } from "./helpers/fuzz-api-values.ts";
import { redis } from "./helpers/redis.ts";
import { publicRoutes, routeScopes } from "./helpers/route-scopes.ts";
import { fileTestReport } from "./helpers/reports.ts";
import { call } from "./helpers/worker.ts";
import { createTestWebhook, removeTestWebhooks, sendTestPing } from "./helpers/webhooks.ts";

/**
 * Measured on 2 shared cores: a refused call costs about 1 ms, one that reaches Postgres 5-8 ms, a write with
 * its before/after checks 8-15 ms. 500 runs per route took 57 s for the 14 routes of 2026-11 on a quiet machine,
 * and 166 s for the 25 routes after issue 30 (2026-12-08), most of the workerd files' time. 300 runs keep the
 * campaign near a minute and a half of the suite (still at least one success and one refusal per route, which
 * the campaign asserts); `npm run fuzz` runs 10,000 per route.
 */
const SUITE_RUNS = 300;
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
const victim = { slug: "", keyId: "", domain: "", webhookId: "", deliveryId: "", importId: "", tag: "", userId: "", reportId: "" };
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

const newVictimKey = async () => void (victim.keyId = (await mintKey(["links:read"], "fz victim")).id);
const newVictimUser = async () =>
  void (victim.userId = ((await (await call("POST", "/api/v1/users", { body: { email: `fz-${crypto.randomUUID()}@example.test`, role: "viewer" } })).json()) as { id: string }).id);

/** An open report of a link of the campaign's own (not the victim link: disabling it would end other routes' successes). */
async function newVictimReport() {
  const link = await createLink({ url: "https://example.com/fz-reported" });
  victim.reportId = await fileTestReport({ slug: link.slug });
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
  await newVictimUser();
  await newVictimReport();
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
// Requests (helpers/fuzz-api-targets.ts) as sent: callers' credentials, and the victims they name resolved.

function otherScope(scope: Scope): Scope {
  return scope === "links:read" ? "analytics:read" : "links:read";
}

function authHeader(caller: ApiCaller, scope: Scope): string | undefined {
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

const resolve = (seg: ApiSegment) => (typeof seg === "string" ? seg : percentEncode(victim[seg.victim]));
/** "{victim}" in a query or body names the victim domain, resolved at send time. */
const withVictim = (s: string) => s.replaceAll("{victim}", victim.domain).replaceAll("%7Bvictim%7D", victim.domain);
const pathOf = (req: ApiReq) => `/${req.path.map(resolve).join("/")}${req.query ? `?${withVictim(req.query)}` : ""}`;

function send(req: ApiReq, scope: Scope): Promise<Response> {
  const headers: Record<string, string> = { ...req.extraHeaders };
  const auth = authHeader(req.caller, scope);
  if (auth) headers.authorization = auth;
  if (req.contentType !== undefined) headers["content-type"] = req.contentType;
  return call(req.method, pathOf(req), { key: null, headers, raw: req.body === undefined ? undefined : withVictim(req.body) });
}

// ---------------------------------------------------------------------------------------------------------
// What a refused request must leave alone.

/**
 * Rows and revocations of links and api_keys, rows and changes of domains and users, audit entries, reports
 * and their resolutions; every
 * update of a link bumps its version. last_used_at is left out: authentication writes it.
 */
async function tables(): Promise<string> {
  const r = await db.execute(sql`select (select count(*) from links) as links, (select coalesce(sum(version), 0) from links) as versions,
    (select max(updated_at) from links) as updated, (select count(*) from api_keys) as keys, (select count(revoked_at) from api_keys) as revoked,
    (select count(*) from domains) as domains, (select max(updated_at) from domains) as domains_updated, (select count(*) from users) as users,
    (select max(updated_at) from users) as users_updated, (select count(*) from audit_log) as audit,
    (select count(*) from link_reports) as reports, (select count(resolved_at) from link_reports) as resolved`);
  return JSON.stringify(r.rows[0]);
}

/** The slugs a request names (its path, its body's slug fields) and the victim: their link-cache entries. */
function namedSlugs(req: ApiReq): string[] {
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

async function expectWellFormed(res: Response, req: ApiReq, route: string) {
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
  // The campaign may give the default domain (shared by every test file) a redirect, an app file or a logo.
  afterEach(async () => {
    const res = await call("PATCH", "/api/v1/domains/sho.rt", {
      body: { rootRedirect: null, notFoundRedirect: null, appleAppSiteAssociation: null, assetLinks: null, qrLogo: null },
    });
    expect(res.status).toBe(200);
  });
  it("covers exactly the routes of the scope table", () => {
    expect(apiTargets(cursors, victim.deliveryId).map((t) => t.route).sort()).toEqual([...routeScopes, ...publicRoutes].map((r) => r.route).sort());
  });

  // Built per test: the arbitraries close over the cursors made in beforeAll.
  for (const route of [...routeScopes, ...publicRoutes].map((r) => r.route)) {
    it(route, async () => {
      const target = apiTargets(cursors, victim.deliveryId).find((t) => t.route === route)!;
      // A public route ignores credentials: its callers send those of some scope, or none, all the same.
      const scope = routeScopes.find((r) => r.route === route)?.scope ?? "links:read";
      const seen = new Map<number, number>();
      const started = Date.now();
      let lastTables = await tables();
      let startTables = lastTables;

      await fc.assert(
        fc.asyncProperty(target.requests, async (req) => {
          const slugs = target.mutates ? namedSlugs(req) : [];
          const cacheBefore = target.mutates ? await cacheEntries(slugs) : "";
          const res = await send(req, scope);
          seen.set(res.status, (seen.get(res.status) ?? 0) + 1);
          await expectWellFormed(res, req, route);
          if (!target.mutates) {
            // Now and then a request goes out with another method (PATCH on a GET route, say): one that
            // succeeds is a write of another route, legitimately changing a table (the audit log, at least).
            if (req.method !== route.split(" ")[0] && res.status < 400) startTables = await tables();
            return;
          }
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
          if (aimed && res.status === 204 && route === "DELETE /api/v1/users/{id}") await newVictimUser();
          if (aimed && res.status === 200 && route === "POST /api/v1/reports/{id}/resolve") await newVictimReport();
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
