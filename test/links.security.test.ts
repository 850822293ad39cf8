/**
 * Every /api/v1 route against every kind of caller: no key, a wrong key, a revoked
 * key, a key of each scope, and ADMIN_API_KEY. A caller without the route's scope gets 401/403 and changes
 * nothing; with it, the route works. The OpenAPI document must name the same scope the route enforces, and
 * every /api/v1 route in it must be in this table.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { scopes, type Scope } from "../functions/shared/auth/scopes.ts";
import { ADMIN_KEY, call, createLink, mintKey, uniqueSlug } from "./api.ts";

interface Prepared {
  method: string;
  path: string;
  body?: unknown;
  /** Asserts that a refused call left no trace. */
  unchanged: () => Promise<void>;
}

interface RouteCase {
  route: string;
  scope: Scope;
  success: number;
  prepare: () => Promise<Prepared>;
}

const status = async (method: string, path: string) => (await call(method, path)).status;

const routes: RouteCase[] = [
  {
    route: "POST /api/v1/links",
    scope: "links:write",
    success: 201,
    prepare: async () => {
      const slug = uniqueSlug("sec");
      return { method: "POST", path: "/api/v1/links", body: { url: "https://example.com/s", slug },
        unchanged: async () => expect(await status("GET", `/api/v1/links/${slug}`)).toBe(404) };
    },
  },
  {
    route: "POST /api/v1/links/bulk",
    scope: "links:write",
    success: 200,
    prepare: async () => {
      const slug = uniqueSlug("sec");
      return { method: "POST", path: "/api/v1/links/bulk", body: { links: [{ url: "https://example.com/s", slug }] },
        unchanged: async () => expect(await status("GET", `/api/v1/links/${slug}`)).toBe(404) };
    },
  },
  {
    route: "GET /api/v1/links",
    scope: "links:read",
    success: 200,
    prepare: async () => ({ method: "GET", path: "/api/v1/links?limit=1", unchanged: async () => {} }),
  },
  {
    route: "GET /api/v1/links/{slug}",
    scope: "links:read",
    success: 200,
    prepare: async () => {
      const link = await createLink({ url: "https://example.com/g" });
      return { method: "GET", path: `/api/v1/links/${link.slug}`, unchanged: async () => {} };
    },
  },
  {
    route: "PATCH /api/v1/links/{slug}",
    scope: "links:write",
    success: 200,
    prepare: async () => {
      const link = await createLink({ url: "https://example.com/p" });
      return { method: "PATCH", path: `/api/v1/links/${link.slug}`, body: { url: "https://example.com/changed" },
        unchanged: async () => expect(await (await call("GET", `/api/v1/links/${link.slug}`)).json()).toEqual(link) };
    },
  },
  {
    route: "DELETE /api/v1/links/{slug}",
    scope: "links:write",
    success: 204,
    prepare: async () => {
      const link = await createLink({ url: "https://example.com/d" });
      return { method: "DELETE", path: `/api/v1/links/${link.slug}`,
        unchanged: async () => expect(await status("GET", `/api/v1/links/${link.slug}`)).toBe(200) };
    },
  },
  {
    route: "GET /api/v1/links/{slug}/stats",
    scope: "analytics:read",
    success: 200,
    prepare: async () => {
      const link = await createLink({ url: "https://example.com/st" });
      return { method: "GET", path: `/api/v1/links/${link.slug}/stats`, unchanged: async () => {} };
    },
  },
  {
    route: "GET /api/v1/stats",
    scope: "analytics:read",
    success: 200,
    prepare: async () => ({ method: "GET", path: "/api/v1/stats", unchanged: async () => {} }),
  },
  {
    route: "POST /api/v1/ingest/flush",
    scope: "admin",
    success: 200,
    prepare: async () => ({ method: "POST", path: "/api/v1/ingest/flush", unchanged: async () => {} }),
  },
  {
    route: "GET /api/v1/ingest/status",
    scope: "admin",
    success: 200,
    prepare: async () => ({ method: "GET", path: "/api/v1/ingest/status", unchanged: async () => {} }),
  },
  {
    route: "POST /api/v1/ingest/dead-letters/replay",
    scope: "admin",
    success: 200,
    prepare: async () => ({ method: "POST", path: "/api/v1/ingest/dead-letters/replay", unchanged: async () => {} }),
  },
  {
    route: "POST /api/v1/keys",
    scope: "admin",
    success: 201,
    prepare: async () => {
      const name = uniqueSlug("key");
      return { method: "POST", path: "/api/v1/keys", body: { name, scopes: ["admin"] },
        unchanged: async () => {
          const { data } = (await (await call("GET", "/api/v1/keys")).json()) as { data: { name: string }[] };
          expect(data.map((k) => k.name)).not.toContain(name);
        } };
    },
  },
  {
    route: "GET /api/v1/keys",
    scope: "admin",
    success: 200,
    prepare: async () => ({ method: "GET", path: "/api/v1/keys", unchanged: async () => {} }),
  },
  {
    route: "DELETE /api/v1/keys/{id}",
    scope: "admin",
    success: 204,
    prepare: async () => {
      const victim = await mintKey(["links:read"]);
      return { method: "DELETE", path: `/api/v1/keys/${victim.id}`,
        unchanged: async () => expect((await call("GET", "/api/v1/links?limit=1", { key: victim.key })).status).toBe(200) };
    },
  },
];

type Caller = { name: string; scopes: readonly Scope[] | null; headers: () => Record<string, string> };

const keys = new Map<string, string>();
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
const callers: Caller[] = [
  { name: "no key", scopes: null, headers: () => ({}) },
  { name: "a wrong key", scopes: null, headers: () => bearer(`emu_${"x".repeat(32)}`) },
  { name: "a Basic header", scopes: null, headers: () => ({ authorization: `Basic ${btoa(`user:${ADMIN_KEY}`)}` }) },
  { name: "a revoked key", scopes: null, headers: () => bearer(keys.get("revoked")!) },
  ...scopes.map((s) => ({ name: `a ${s} key`, scopes: [s], headers: () => bearer(keys.get(s)!) })),
  { name: "a links:read+links:write key", scopes: ["links:read", "links:write"] as Scope[], headers: () => bearer(keys.get("rw")!) },
  { name: "ADMIN_API_KEY", scopes: ["admin"], headers: () => bearer(ADMIN_KEY) },
];

beforeAll(async () => {
  for (const s of scopes) keys.set(s, (await mintKey([s])).key);
  keys.set("rw", (await mintKey(["links:read", "links:write"])).key);
  const revoked = await mintKey([...scopes]);
  expect((await call("DELETE", `/api/v1/keys/${revoked.id}`)).status).toBe(204);
  keys.set("revoked", revoked.key);
});

describe.each(routes)("$route (needs $scope)", ({ scope, success, prepare }) => {
  it.each(callers)("with $name", async (caller) => {
    const req = await prepare();
    const res = await call(req.method, req.path, { key: null, body: req.body, headers: caller.headers() });
    const allowed = caller.scopes !== null && (caller.scopes.includes(scope) || caller.scopes.includes("admin"));
    const expected = caller.scopes === null ? 401 : allowed ? success : 403;
    expect(res.status, await res.clone().text()).toBe(expected);
    if (expected === 401) {
      expect(res.headers.get("www-authenticate")).toMatch(/^Bearer realm="eatmyurl"/);
      expect(res.headers.get("x-ratelimit-limit")).toBeNull();
    } else {
      // Every authenticated answer, refusals included, tells the key where it stands.
      expect(Number(res.headers.get("x-ratelimit-limit"))).toBeGreaterThan(0);
      expect(res.headers.get("x-ratelimit-remaining")).toMatch(/^\d+$/);
    }
    if (!allowed) {
      expect(res.headers.get("content-type")).toBe("application/problem+json");
      await req.unchanged();
    }
  });
});

describe("the OpenAPI document", () => {
  it("declares bearer auth with the scope each route enforces, for exactly the routes tested above", async () => {
    const doc = (await (await call("GET", "/openapi.json", { key: null })).json()) as any;
    expect(doc.components.securitySchemes.apiKey).toMatchObject({ type: "http", scheme: "bearer" });
    const documented: Record<string, string> = {};
    for (const [path, ops] of Object.entries<any>(doc.paths)) {
      if (!path.startsWith("/api/v1/")) continue;
      for (const [method, op] of Object.entries<any>(ops)) {
        expect(op.security, `${method} ${path}`).toHaveLength(1);
        documented[`${method.toUpperCase()} ${path}`] = op.security[0].apiKey[0];
        for (const s of ["401", "403", "429"]) expect(op.responses[s], `${method} ${path} ${s}`).toBeDefined();
      }
    }
    // Every /api/v1 route must be in the table above: a new route joins it (and its test) when it is added.
    expect(documented).toEqual(Object.fromEntries(routes.map((r) => [r.route, r.scope])));
  });
});
