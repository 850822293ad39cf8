/** Bad input to the keys API: 4xx problem+json, and no key is minted or revoked. */
import { describe, expect, it } from "vitest";
import { mintKey } from "./helpers/api.ts";
import { uniqueSlug } from "./helpers/unique.ts";
import { call } from "./helpers/worker.ts";

const keyNames = async () => ((await (await call("GET", "/api/v1/keys")).json()) as { data: { name: string }[] }).data.map((k) => k.name);

async function expectProblem(res: Response, status: number, paths?: string[]) {
  expect(res.status).toBe(status);
  expect(res.headers.get("content-type")).toBe("application/problem+json");
  const body = (await res.json()) as any;
  if (paths) expect([...new Set(body.errors.map((e: any) => e.path))].sort()).toEqual([...paths].sort());
}

describe("POST /api/v1/keys with bad input", () => {
  it("refuses bad names, scopes, unknown fields and bodies that are not JSON", async () => {
    const name = uniqueSlug("bad");
    const cases: [unknown, string[]][] = [
      [{ name, scopes: ["links:delete"] }, ["scopes.0"]],
      [{ name, scopes: [] }, ["scopes"]],
      [{ name, scopes: "admin" }, ["scopes"]],
      [{ name }, ["scopes"]],
      [{ scopes: ["admin"] }, ["name"]],
      [{ name: "   ", scopes: ["admin"] }, ["name"]],
      [{ name: "x".repeat(101), scopes: ["admin"] }, ["name"]],
      [{ name: "a\nb", scopes: ["admin"] }, ["name"]],
      // An unpaired surrogate would be stored as U+FFFD.
      [{ name: "key \ud800", scopes: ["admin"] }, ["name"]],
      [{ name, scopes: ["admin"], expiresAt: "never" }, ["expiresAt"]],
      [{ name, scopes: ["admin"], key: "emu_mine" }, ["key"]],
    ];
    for (const [body, paths] of cases) await expectProblem(await call("POST", "/api/v1/keys", { body }), 400, paths);
    await expectProblem(await call("POST", "/api/v1/keys", { raw: "{", headers: { "content-type": "application/json" } }), 400);
    await expectProblem(await call("POST", "/api/v1/keys", { raw: `{"name":"${name}","scopes":["admin"]}`, headers: { "content-type": "text/plain" } }), 415);
    await expectProblem(await call("POST", "/api/v1/keys", { body: { name, scopes: ["admin"], pad: "x".repeat(20_000) } }), 413);
    expect(await keyNames()).not.toContain(name);
  });
});

describe("DELETE /api/v1/keys/{id} with bad input", () => {
  it("answers 400 to a malformed id and 404 to an unknown or already revoked one", async () => {
    await expectProblem(await call("DELETE", "/api/v1/keys/not-a-uuid"), 400, ["id"]);
    await expectProblem(await call("DELETE", `/api/v1/keys/${crypto.randomUUID()}`), 404);
    const { id, key } = await mintKey(["links:read"]);
    expect((await call("DELETE", `/api/v1/keys/${id}`)).status).toBe(204);
    await expectProblem(await call("DELETE", `/api/v1/keys/${id}`), 404);
    expect((await call("GET", "/api/v1/links?limit=1", { key })).status).toBe(401);
  });
});
