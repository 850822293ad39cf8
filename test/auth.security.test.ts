/**
 * Unauthenticated work is bounded: failed authentications are limited per client, and once a client is
 * refused its wrong keys cost no lookup (checked by answering with Postgres stopped); yet a valid key from
 * that address still works, and a guessable ADMIN_API_KEY is not accepted at all.
 */
import { describe, expect, it } from "vitest";
import { mintKey } from "./helpers/api.ts";
import { control } from "./helpers/control.ts";
import { call } from "./helpers/worker.ts";

const limit = { AUTH_FAILURES_PER_MINUTE: "3" };
const from = (address: string) => ({ "cf-connecting-ip": address });
const wrongKey = () => `emu_${crypto.randomUUID().replaceAll("-", "")}`;

describe("failed authentications", () => {
  // First in the file: it needs this isolate's snapshot of known keys to be loaded after its key is minted
  // (the test below stops Postgres, and a snapshot that failed to load serves as empty for 30 s).
  it("never lock a valid key out because others at the same address sent wrong ones", async () => {
    const address = `192.0.2.${1 + Math.floor(Math.random() * 250)}`;
    const { key, id } = await mintKey(["links:read"]);
    const { key: revokedKey, id: revokedId } = await mintKey(["links:read"]);
    expect((await call("GET", "/api/v1/links?limit=1", { key: revokedKey, headers: from("198.51.100.77") })).status).toBe(200);
    expect((await call("DELETE", `/api/v1/keys/${revokedId}`)).status).toBe(204);
    for (let i = 0; i < 3; i++) {
      expect((await call("GET", "/api/v1/links", { key: wrongKey(), headers: from(address), settings: limit })).status).toBe(401);
    }
    expect((await call("GET", "/api/v1/links", { key: wrongKey(), headers: from(address), settings: limit })).status).toBe(429);
    expect((await call("GET", "/api/v1/links", { key: "not-even-a-key", headers: from(address), settings: limit })).status).toBe(429);
    // The colleagues behind the same address: the admin key, and a key never used before in this isolate.
    expect((await call("GET", "/api/v1/links?limit=1", { headers: from(address), settings: limit })).status).toBe(200);
    expect((await call("GET", "/api/v1/links?limit=1", { key, headers: from(address), settings: limit })).status).toBe(200);
    // A revoked key is still refused (its lookup says so), and wrong keys still are.
    expect((await call("GET", "/api/v1/links", { key: revokedKey, headers: from(address), settings: limit })).status).toBe(429);
    expect((await call("GET", "/api/v1/links", { key: wrongKey(), headers: from(address), settings: limit })).status).toBe(429);
    expect((await call("DELETE", `/api/v1/keys/${id}`)).status).toBe(204);
  }, 30_000);

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

  it("do not accept an ADMIN_API_KEY too short or too plain to resist guessing, and say which setting to change", async () => {
    for (const weak of ["correct-horse-battery", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"]) {
      const settings = { ADMIN_API_KEY: weak };
      const res = await call("GET", "/api/v1/links?limit=1", { key: weak, settings, headers: from("198.51.100.11") });
      expect(res.status, weak).toBe(401);
      expect(((await res.json()) as { detail: string }).detail).toContain("ADMIN_API_KEY is not accepted");
      // A wrong key gets the very same words: the answer does not tell a guess from the key.
      const wrong = await call("GET", "/api/v1/links?limit=1", { key: `${weak}x`, settings, headers: from("198.51.100.11") });
      expect(((await wrong.json()) as { detail: string }).detail).toContain("ADMIN_API_KEY is not accepted");
    }
  });

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
