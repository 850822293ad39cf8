/**
 * The input campaign of the Shlink face (issue 18): every /rest route that takes free-form input (path
 * parameters, query parameters, JSON bodies), sent arbitrary values and callers (X-Api-Key of every kind),
 * hostile values foremost (fuzz-arbitraries.ts), as routes-property.error.test.ts does for /api/v1:
 * - the answer is never a 5xx;
 * - every 4xx is application/problem+json with its status in the body, and a Shlink-style `type`;
 * - a refused request changes nothing (links, domains and api_keys, and the link cache of the victim).
 * Each route must see at least one success and one refusal. Runs per route: FUZZ_RUNS when set, else SUITE_RUNS.
 * Then a 90 MB body answers 413 problem+json on every /rest write, with CORS headers. The requests are made
 * in helpers/fuzz-rest-targets.ts.
 */
import fc from "fast-check";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { redisKeys } from "../functions/shared/redis-keys.ts";
import { createLink, mintKey } from "./helpers/api.ts";
import { openDb } from "./helpers/db.ts";
import { ADMIN_KEY, bindings } from "./helpers/env.ts";
import { restTargets, type RestCaller, type RestReq } from "./helpers/fuzz-rest-targets.ts";
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

function headersOf(caller: RestCaller): Record<string, string> {
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
const pathOf = (r: RestReq) => `/${r.path.map(fill).join("/")}${r.query ? `?${fill(r.query)}` : ""}`;

function send(r: RestReq): Promise<Response> {
  const headers = headersOf(r.caller);
  if (r.contentType !== undefined) headers["content-type"] = r.contentType;
  return call(r.method, pathOf(r), { key: null, headers, raw: r.body === undefined ? undefined : fill(r.body) });
}

async function tables(): Promise<string> {
  const r = await db.execute(sql`select
    (select count(*) from links) as links, (select coalesce(sum(version), 0) from links) as versions,
    (select max(updated_at) from links) as updated, (select count(*) from api_keys) as keys,
    (select count(*) from domains) as domains, (select max(updated_at) from domains) as domains_updated`);
  return JSON.stringify(r.rows[0]);
}
const victimCache = async () => JSON.stringify(await redis.get(redisKeys.link(victim.slug)));

async function expectWellFormed(res: Response, r: RestReq, route: string) {
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
  for (const target of restTargets()) {
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
    const writes = restTargets().filter((t) => t.mutates && !t.route.startsWith("DELETE")).map((t) => t.route.split(" "));
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
