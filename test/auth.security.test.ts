/**
 * Unauthenticated work is bounded: failed authentications are limited per client, and once a client is
 * refused its next attempts cost no Postgres query (checked by answering with Postgres stopped).
 */
import { describe, expect, it } from "vitest";
import { mintKey } from "./helpers/api.ts";
import { control } from "./helpers/control.ts";
import { call } from "./helpers/worker.ts";

const limit = { AUTH_FAILURES_PER_MINUTE: "3" };
const from = (address: string) => ({ "cf-connecting-ip": address });
const wrongKey = () => `emu_${crypto.randomUUID().replaceAll("-", "")}`;

describe("failed authentications", () => {
  it("answer 429 with Retry-After past AUTH_FAILURES_PER_MINUTE, and then cost no Postgres query", async () => {
    const address = `203.0.113.${1 + Math.floor(Math.random() * 250)}`;
    for (let i = 0; i < 3; i++) {
      expect((await call("GET", "/api/v1/links", { key: wrongKey(), headers: from(address), settings: limit })).status).toBe(401);
    }
    const refused = await call("GET", "/api/v1/links", { key: wrongKey(), headers: from(address), settings: limit });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(refused.headers.get("content-type")).toBe("application/problem+json");
    await control("postgres", "stop");
    try {
      const again = await call("GET", "/api/v1/links", { key: wrongKey(), headers: from(address), settings: limit });
      expect(again.status).toBe(429);
    } finally {
      await control("postgres", "start");
    }
    // Another client is not refused, and a good key works.
    const { key } = await mintKey(["links:read"]);
    expect((await call("GET", "/api/v1/links?limit=1", { key, headers: from("198.51.100.9"), settings: limit })).status).toBe(200);
  }, 30_000);

  it("refuse a key that cannot be one this service minted without looking it up", async () => {
    await control("postgres", "stop");
    try {
      for (const key of ["not-a-key", "emu_short", `emu_${"x".repeat(31)}!`]) {
        const res = await call("GET", "/api/v1/links", { key, headers: from("198.51.100.10") });
        expect(res.status).toBe(401);
      }
    } finally {
      await control("postgres", "start");
    }
  }, 30_000);
});
