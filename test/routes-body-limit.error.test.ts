/**
 * The body limits: a 90 MB streamed body answers 413 problem+json on every route that takes a body (the API,
 * the dashboard's forms, a protected link's password form), signed in or not, read only up to the limit; the
 * sign-in form is refused past a few KB. Apart from the input campaign (routes-property.error.test.ts): it
 * needs none of the campaign's keys, victims or cursors, only the routes of the scope table.
 */
import { describe, expect, it } from "vitest";
import { ADMIN_KEY } from "./helpers/env.ts";
import { routeScopes } from "./helpers/route-scopes.ts";
import { BASE, call } from "./helpers/worker.ts";

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
