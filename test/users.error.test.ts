/** Bad input to the people routes: a clear 4xx problem naming the field, and nothing changed. */
import { describe, expect, it } from "vitest";
import { uniqueSlug } from "./helpers/unique.ts";
import { call } from "./helpers/worker.ts";

const email = () => `${uniqueSlug("err")}@example.com`;
const people = async () => ((await (await call("GET", "/api/v1/users")).json()) as { data: { id: string; email: string; role: string }[] }).data;

async function problem(res: Response, status: number, paths?: string[]) {
  expect(res.status, await res.clone().text()).toBe(status);
  expect(res.headers.get("content-type")).toBe("application/problem+json");
  const body = (await res.json()) as { status: number; errors?: { path: string }[] };
  expect(body.status).toBe(status);
  if (paths) expect(body.errors?.map((e) => e.path)).toEqual(paths);
}

describe("POST /api/v1/users refuses", () => {
  it.each([
    ["a missing email", { role: "viewer" }, ["email"]],
    ["a malformed email", { email: "not-an-email", role: "viewer" }, ["email"]],
    ["an unknown role", { email: "x@example.com", role: "superuser" }, ["role"]],
    ["an unknown field", { email: "x@example.com", role: "viewer", scopes: ["admin"] }, ["scopes"]],
    ["a name with control characters", { email: "x@example.com", role: "viewer", name: "a\u0000b" }, ["name"]],
    ["empty domains", { email: "x@example.com", role: "viewer", domains: [] }, ["domains"]],
  ])("%s (400)", async (_name, body, paths) => {
    await problem(await call("POST", "/api/v1/users", { body }), 400, paths);
  });

  it("a restricted owner or admin, or an unknown domain (422), and adds nobody", async () => {
    const before = (await people()).length;
    await problem(await call("POST", "/api/v1/users", { body: { email: email(), role: "admin", ownLinksOnly: true } }), 422, ["ownLinksOnly"]);
    await problem(await call("POST", "/api/v1/users", { body: { email: email(), role: "owner", domains: ["sho.rt"] } }), 422, ["domains"]);
    await problem(await call("POST", "/api/v1/users", { body: { email: email(), role: "editor", domains: ["nowhere.example.test"] } }), 422, ["domains.0"]);
    expect((await people()).length).toBe(before);
  });

  it("an email already there, whatever its case (409)", async () => {
    const address = email();
    expect((await call("POST", "/api/v1/users", { body: { email: address, role: "viewer" } })).status).toBe(201);
    await problem(await call("POST", "/api/v1/users", { body: { email: address.toUpperCase(), role: "admin" } }), 409, ["email"]);
    expect((await people()).filter((p) => p.email === address).map((p) => p.role)).toEqual(["viewer"]);
  });
});

describe("PATCH and DELETE /api/v1/users/{id} refuse", () => {
  it("a malformed id (400) and an unknown one (404)", async () => {
    await problem(await call("PATCH", "/api/v1/users/nobody", { body: { role: "viewer" } }), 400, ["id"]);
    await problem(await call("DELETE", "/api/v1/users/usr_x'--"), 400, ["id"]);
    await problem(await call("PATCH", `/api/v1/users/usr_${"A".repeat(16)}`, { body: { role: "viewer" } }), 404);
    await problem(await call("DELETE", `/api/v1/users/usr_${"A".repeat(16)}`), 404);
  });

  it("bad bodies and a change that would restrict an admin, leaving the person as they were", async () => {
    const res = await call("POST", "/api/v1/users", { body: { email: email(), role: "editor", ownLinksOnly: true } });
    const { id } = (await res.json()) as { id: string };
    await problem(await call("PATCH", `/api/v1/users/${id}`, { body: { email: "new@example.com" } }), 400, ["email"]);
    await problem(await call("PATCH", `/api/v1/users/${id}`, { body: { disabled: "yes" } }), 400, ["disabled"]);
    await problem(await call("PATCH", `/api/v1/users/${id}`, { raw: "{", headers: { "content-type": "application/json" } }), 400);
    // Made an admin while still restricted to their own links: refused until the restriction is lifted.
    await problem(await call("PATCH", `/api/v1/users/${id}`, { body: { role: "admin" } }), 422, ["ownLinksOnly"]);
    expect((await people()).find((p) => p.id === id)).toMatchObject({ role: "editor" });
  });
});
