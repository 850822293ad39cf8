/**
 * GET /healthz reports the faults it exists for: Redis or Postgres not answering (the real servers stopped),
 * and a missing setting.
 */
import { describe, expect, it } from "vitest";
import { control } from "./helpers/control.ts";
import { call } from "./helpers/worker.ts";

describe("GET /healthz", () => {
  it("answers 200 when Redis and Postgres both answer", async () => {
    const res = await call("GET", "/healthz", { key: null });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok", checks: { redis: "ok", postgres: "ok" } });
  });

  it("answers 503 naming redis while the real redis-server is stopped, and recovers", async () => {
    await control("redis", "stop");
    try {
      const res = await call("GET", "/healthz", { key: null });
      expect(res.status).toBe(503);
      const body = (await res.json()) as { checks: Record<string, string> };
      expect(body.checks).toEqual({ redis: "fail", postgres: "ok" });
      expect((body as { errors?: unknown }).errors).toEqual({ redis: "down" });
      // The Worker keeps answering other requests.
      expect((await call("GET", "/openapi.json", { key: null })).status).toBe(200);
    } finally {
      await control("redis", "start");
    }
    expect((await call("GET", "/healthz", { key: null })).status).toBe(200);
  });

  it("answers 503 naming postgres while the real PostgreSQL is stopped", async () => {
    await control("postgres", "stop");
    try {
      const res = await call("GET", "/healthz", { key: null });
      expect(res.status).toBe(503);
      const body = (await res.json()) as { checks: Record<string, string>; errors: Record<string, string> };
      expect(body.checks).toEqual({ redis: "ok", postgres: "fail" });
      // The public learns which check failed, not the driver's words (hosts, users, auth failures): those are logged.
      expect(body.errors).toEqual({ postgres: "down" });
    } finally {
      await control("postgres", "start");
    }
  });

  it("names a missing setting in a problem+json 500", async () => {
    const res = await call("GET", "/healthz", { key: null, settings: { DATABASE_URL: undefined } });
    expect(res.status).toBe(500);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    const body = (await res.json()) as { detail: string; errors: { path: string; message: string }[] };
    expect(body.errors).toEqual([{ path: "DATABASE_URL", message: "is not set" }]);
  });
});
