/**
 * Every /api/v1 route of the scope table (helpers/route-scopes.ts) against every kind of caller: no key, a
 * wrong key, a revoked key, a key of each scope, and ADMIN_API_KEY. A caller without the route's scope gets
 * 401/403 and changes nothing; with it, the route works. Then every route as a key under each restriction
 * (domains, ownLinksOnly), aimed at a link the key may not see: 404 and nothing revealed or changed. People
 * (signed-in sessions) are callers too: by role, and disabled or removed ones refused; and a person under each
 * restriction meets every route exactly as a key under it does.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scopes, type Scope } from "../functions/shared/auth/scopes.ts";
import { createLink, mintKey } from "./helpers/api.ts";
import { ADMIN_KEY, config } from "./helpers/env.ts";
import { restrictedWorld, restrictions, type PrincipalKind, type Restriction, type RestrictedWorld } from "./helpers/restrictions.ts";
import { ROLE_SCOPES } from "../functions/shared/auth/roles.ts";
import { signedInPerson } from "./helpers/people.ts";
import { routeScopes } from "./helpers/route-scopes.ts";
import { call } from "./helpers/worker.ts";
import { removeTestWebhooks } from "./helpers/webhooks.ts";

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
  ...(["viewer", "editor", "admin"] as const).map((role) => ({ name: `a signed-in ${role}`, scopes: ROLE_SCOPES[role], headers: () => bearer(keys.get(role)!) })),
  { name: "a disabled admin's session", scopes: null, headers: () => bearer(keys.get("disabled")!) },
  { name: "a removed admin's session", scopes: null, headers: () => bearer(keys.get("removed")!) },
];

beforeAll(async () => {
  for (const s of scopes) keys.set(s, (await mintKey([s])).key);
  keys.set("rw", (await mintKey(["links:read", "links:write"])).key);
  const revoked = await mintKey([...scopes]);
  expect((await call("DELETE", `/api/v1/keys/${revoked.id}`)).status).toBe(204);
  keys.set("revoked", revoked.key);
  for (const role of ["viewer", "editor", "admin"] as const) keys.set(role, (await signedInPerson(role)).token);
  const disabled = await signedInPerson("admin");
  expect((await call("PATCH", `/api/v1/users/${disabled.id}`, { body: { disabled: true } })).status).toBe(200);
  keys.set("disabled", disabled.token);
  const removed = await signedInPerson("admin");
  expect((await call("DELETE", `/api/v1/users/${removed.id}`)).status).toBe(204);
  keys.set("removed", removed.token);
});

afterAll(removeTestWebhooks);

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

describe("list cursors are signed for their page", () => {
  const list = (query: string, settings?: Record<string, string | undefined>) => call("GET", `/api/v1/links?${query}`, { settings });
  async function refused(res: Response) {
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(((await res.json()) as { errors: { path: string }[] }).errors.map((e) => e.path)).toEqual(["cursor"]);
  }

  it("refuses a cursor it did not issue: unsigned, altered, under another SESSION_SECRET, or for another q or tag", async () => {
    const tag = `cur-${crypto.randomUUID().slice(0, 8)}`;
    for (let i = 0; i < 3; i++) await createLink({ url: `https://example.com/c${i}`, title: tag, tags: [tag] });
    const first = (await (await list(`limit=1&q=${tag}&tag=${tag}`)).json()) as { data: { id: string; createdAt: string }[]; nextCursor: string };
    const cursor = first.nextCursor;
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect((await list(`limit=1&q=${tag}&tag=${tag}&cursor=${cursor}`)).status).toBe(200);

    const [payload, mac] = cursor.split(".");
    const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === "A" ? "B" : "A") + s.slice(i + 1);
    // A position a client wrote itself, in the format of old (no MAC), in the new format with a made-up MAC, or altered.
    for (const forged of [payload, `${payload}.${"A".repeat(43)}`, `${flip(payload, 3)}.${mac}`, `${payload}.${flip(mac, 10)}`, `${cursor}.${mac}`, `${mac}.${payload}`]) {
      await refused(await list(`limit=1&q=${tag}&tag=${tag}&cursor=${forged}`));
    }
    // The same page under another deployment's secret.
    await refused(await list(`limit=1&q=${tag}&tag=${tag}&cursor=${cursor}`, { SESSION_SECRET: "another-deployment-secret-4Qw9zRt2Lp7Xk3Vn" }));
    // Issued for q and tag: not valid without them, or with others.
    for (const query of ["limit=1", `limit=1&q=${tag}`, `limit=1&tag=${tag}`, `limit=1&q=${tag}x&tag=${tag}`, `limit=1&q=${tag}&tag=${tag}x`]) {
      await refused(await list(`${query}&cursor=${cursor}`));
    }
  });

  it("signs with SESSION_SECRET alone: without it (or with the admin key as it), paging is the configuration problem naming it", async () => {
    for (let i = 0; i < 2; i++) await createLink({ url: `https://example.com/s${i}` });
    for (const secret of [undefined, config.ADMIN_API_KEY]) {
      const res = await list("limit=1", { SESSION_SECRET: secret });
      expect(res.status).toBe(500);
      expect(res.headers.get("content-type")).toBe("application/problem+json");
      expect(((await res.json()) as { errors: { path: string }[] }).errors.map((e) => e.path)).toEqual(["SESSION_SECRET"]);
    }
  });
});

const kinds: [PrincipalKind, Restriction][] = (["key", "user"] as const).flatMap((k) => restrictions.map((r) => [k, r] as [PrincipalKind, Restriction]));

describe.each(kinds)("a %s restricted by %s, on every route", (kind, restriction) => {
  let world: RestrictedWorld;
  beforeAll(async () => {
    world = await restrictedWorld(restriction, kind);
  });

  it.each(routeScopes.map((r) => [r.route, r] as const))("%s", async (_route, r) => {
    const req = await r.restricted(world);
    const res = await call(req.method, req.path, { key: world.key, body: req.body });
    // A link the key may not see is a 404, never a 403 (its existence must not leak); 403 only for admin
    // routes and for those that rewrite every link (a tag's rename), whatever the key names.
    if (res.status === 403) expect(r.scope === "admin" || r.spansEveryLink === true, r.route).toBe(true);
    await req.check(res);
  });
});
