/** Unit test of the session cookie's sealing: the key stays hidden, and a stale or altered value is refused. */
import { describe, expect, it } from "vitest";
import type { Env } from "../shared/env.ts";
import { openSession, sealSession } from "./session.ts";

describe("session cookie sealing", () => {
  const config = { ADMIN_API_KEY: "unit-admin-key-0123456789", SESSION_SECRET: "unit-session-secret-7Hq2xP9wLm4Zt8Kc" } as Env;
  const session = { key: "secret-key-value", scopes: ["links:read" as const], exp: Math.floor(Date.now() / 1000) + 60 };

  it("round-trips, never shows the key, and refuses expired or altered values", async () => {
    const sealed = await sealSession(config, session);
    expect(sealed).not.toContain("secret-key-value");
    expect(await openSession(config, sealed)).toEqual(session);
    expect(await openSession(config, sealed, (session.exp + 1) * 1000)).toBeNull();
    expect(await openSession(config, sealed.slice(0, -2) + (sealed.endsWith("AA") ? "BB" : "AA"))).toBeNull();
    expect(await openSession({ ...config, SESSION_SECRET: "x".repeat(32) }, sealed)).toBeNull();
  });
});
