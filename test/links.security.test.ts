/**
 * Every /api/v1 route of the scope table (helpers/route-scopes.ts) against every kind of caller: no key, a
 * wrong key, a revoked key, a key of each scope, and ADMIN_API_KEY. A caller without the route's scope gets
 * 401/403 and changes nothing; with it, the route works.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { scopes, type Scope } from "../functions/shared/auth/scopes.ts";
import { mintKey } from "./helpers/api.ts";
import { ADMIN_KEY } from "./helpers/env.ts";
import { routeScopes } from "./helpers/route-scopes.ts";
import { call } from "./helpers/worker.ts";

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

describe.each(routeScopes)("$route (needs $scope)", ({ scope, success, prepare }) => {
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
