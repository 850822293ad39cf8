/**
 * The owner rules and sessions of people: only an owner (or ADMIN_API_KEY) makes or changes owners; the last
 * enabled owner cannot be demoted, disabled or removed, even by two owners at once; a removed, disabled or
 * demoted person is refused (or narrowed) at their very next request; a revoked or expired session is refused.
 */
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { users } from "../db/schema.ts";
import { mintKey } from "./helpers/api.ts";
import { withDb } from "./helpers/db.ts";
import { asOnlyOwner, sessionFor, sessionsOf, signedInPerson } from "./helpers/people.ts";
import { uniqueSlug } from "./helpers/unique.ts";
import { call } from "./helpers/worker.ts";

const rowOf = async (id: string) => (await withDb((db) => db.select().from(users).where(eq(users.id, id))))[0];
const email = () => `${uniqueSlug("sec")}@example.com`;
const link = (key: string) => call("POST", "/api/v1/links", { key, body: { url: "https://example.com/p" } });

async function refused(res: Response, status: number) {
  expect(res.status, await res.clone().text()).toBe(status);
  expect(res.headers.get("content-type")).toBe("application/problem+json");
}

describe("only an owner makes or changes owners", () => {
  it("refuses a signed-in admin and an admin-scoped key, and changes nothing", async () => {
    const admin = await signedInPerson("admin");
    const adminKey = (await mintKey(["admin"])).key;
    const owner = await signedInPerson("owner");
    const editor = await signedInPerson("editor");
    for (const key of [admin.token, adminKey]) {
      const address = email();
      await refused(await call("POST", "/api/v1/users", { key, body: { email: address, role: "owner" } }), 403);
      expect((await withDb((db) => db.select().from(users).where(eq(users.email, address)))).length).toBe(0);
      await refused(await call("PATCH", `/api/v1/users/${editor.id}`, { key, body: { role: "owner" } }), 403);
      await refused(await call("PATCH", `/api/v1/users/${owner.id}`, { key, body: { role: "viewer" } }), 403);
      await refused(await call("PATCH", `/api/v1/users/${owner.id}`, { key, body: { disabled: true } }), 403);
      await refused(await call("DELETE", `/api/v1/users/${owner.id}`, { key }), 403);
      // An admin cannot make themselves an owner either.
      await refused(await call("PATCH", `/api/v1/users/${admin.id}`, { key, body: { role: "owner" } }), 403);
    }
    expect(await rowOf(editor.id)).toMatchObject({ role: "editor" });
    expect(await rowOf(owner.id)).toMatchObject({ role: "owner", disabled: false });
    expect(await rowOf(admin.id)).toMatchObject({ role: "admin" });
    expect((await call("GET", "/api/v1/users", { key: owner.token })).status).toBe(200);
  });

  it("lets a signed-in owner make and unmake owners", async () => {
    const owner = await signedInPerson("owner");
    const res = await call("POST", "/api/v1/users", { key: owner.token, body: { email: email(), role: "owner" } });
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };
    expect((await call("PATCH", `/api/v1/users/${id}`, { key: owner.token, body: { role: "admin" } })).status).toBe(200);
    expect((await call("PATCH", `/api/v1/users/${id}`, { key: owner.token, body: { role: "owner" } })).status).toBe(200);
    expect((await call("DELETE", `/api/v1/users/${id}`, { key: owner.token })).status).toBe(204);
  });
});

describe("the last owner stays", () => {
  it("cannot be demoted, disabled or removed, by anyone, themselves included", async () => {
    const owner = await signedInPerson("owner");
    await asOnlyOwner(owner.id, async () => {
      for (const key of [undefined, owner.token]) {
        await refused(await call("PATCH", `/api/v1/users/${owner.id}`, { key, body: { role: "admin" } }), 409);
        await refused(await call("PATCH", `/api/v1/users/${owner.id}`, { key, body: { disabled: true } }), 409);
        await refused(await call("DELETE", `/api/v1/users/${owner.id}`, { key }), 409);
      }
      expect(await rowOf(owner.id)).toMatchObject({ role: "owner", disabled: false });
      expect(await sessionsOf(owner.id)).toEqual({ total: 1, revoked: 0 });
      // Other changes to them are fine.
      expect((await call("PATCH", `/api/v1/users/${owner.id}`, { body: { name: "Still Owner" } })).status).toBe(200);
    });
  });

  it("holds when two owners demote each other at the same moment: one wins, one owner is left", async () => {
    const a = await signedInPerson("owner");
    const b = await signedInPerson("owner");
    await asOnlyOwner(a.id, async () => {
      await withDb((db) => db.update(users).set({ disabled: false }).where(eq(users.id, b.id)));
      const [ra, rb] = await Promise.all([
        call("PATCH", `/api/v1/users/${b.id}`, { key: a.token, body: { role: "admin" } }),
        call("PATCH", `/api/v1/users/${a.id}`, { key: b.token, body: { role: "admin" } }),
      ]);
      // The loser is refused: 409 (the last owner), or 403 (it is no owner any more when its turn comes).
      expect([ra.status, rb.status].filter((s) => s === 200)).toHaveLength(1);
      expect([ra.status, rb.status].filter((s) => s === 409 || s === 403)).toHaveLength(1);
      const roles = [(await rowOf(a.id)).role, (await rowOf(b.id)).role];
      expect(roles.filter((r) => r === "owner")).toHaveLength(1);
    });
  });
});

describe("a person's sessions follow the person", () => {
  it("refuses a removed person at their next request, their sessions deleted", async () => {
    const p = await signedInPerson("editor");
    expect((await link(p.token)).status).toBe(201);
    expect((await call("DELETE", `/api/v1/users/${p.id}`)).status).toBe(204);
    await refused(await link(p.token), 401);
    await refused(await call("GET", "/api/v1/links?limit=1", { key: p.token }), 401);
    expect(await sessionsOf(p.id)).toEqual({ total: 0, revoked: 0 });
  });

  it("refuses a disabled person at their next request, their sessions revoked, and re-enabling does not revive them", async () => {
    const p = await signedInPerson("editor");
    expect((await call("GET", "/api/v1/links?limit=1", { key: p.token })).status).toBe(200);
    expect((await call("PATCH", `/api/v1/users/${p.id}`, { body: { disabled: true } })).status).toBe(200);
    await refused(await call("GET", "/api/v1/links?limit=1", { key: p.token }), 401);
    expect(await sessionsOf(p.id)).toEqual({ total: 1, revoked: 1 });
    expect((await call("PATCH", `/api/v1/users/${p.id}`, { body: { disabled: false } })).status).toBe(200);
    await refused(await call("GET", "/api/v1/links?limit=1", { key: p.token }), 401);
    // A fresh sign-in works again.
    expect((await call("GET", "/api/v1/links?limit=1", { key: await sessionFor(p.id) })).status).toBe(200);
  });

  it("narrows a demoted person at their next request: an editor made viewer is refused a write", async () => {
    const p = await signedInPerson("editor");
    expect((await link(p.token)).status).toBe(201);
    expect((await call("PATCH", `/api/v1/users/${p.id}`, { body: { role: "viewer" } })).status).toBe(200);
    await refused(await link(p.token), 403);
    expect((await call("GET", "/api/v1/links?limit=1", { key: p.token })).status).toBe(200);
    // A demoted admin loses the people routes at once.
    const a = await signedInPerson("admin");
    expect((await call("GET", "/api/v1/users", { key: a.token })).status).toBe(200);
    expect((await call("PATCH", `/api/v1/users/${a.id}`, { body: { role: "editor" } })).status).toBe(200);
    await refused(await call("GET", "/api/v1/users", { key: a.token }), 403);
  });

  it("refuses an expired, a revoked, an unknown or a malformed session token", async () => {
    const p = await signedInPerson("editor");
    const expired = await sessionFor(p.id, new Date(Date.now() - 1000));
    await refused(await call("GET", "/api/v1/links?limit=1", { key: expired }), 401);
    await refused(await call("GET", "/api/v1/links?limit=1", { key: `ems_${"A".repeat(32)}` }), 401);
    await refused(await call("GET", "/api/v1/links?limit=1", { key: `ems_${"A".repeat(31)}!` }), 401);
    await refused(await call("GET", "/api/v1/links?limit=1", { key: p.token.slice(0, -1) }), 401);
    expect((await call("GET", "/api/v1/links?limit=1", { key: p.token })).status).toBe(200);
  });

  it("keeps editors and viewers out of the people routes", async () => {
    for (const role of ["editor", "viewer"] as const) {
      const p = await signedInPerson(role);
      await refused(await call("GET", "/api/v1/users", { key: p.token }), 403);
      await refused(await call("PATCH", `/api/v1/users/${p.id}`, { key: p.token, body: { role: "admin" } }), 403);
      expect(await rowOf(p.id)).toMatchObject({ role });
    }
  });
});
