/**
 * Rate limits per key (@upstash/ratelimit over the real Redis): headers on every authenticated answer, 429
 * with Retry-After past the limit, one key's use never spending another's (keys.faults.test.ts: the limiter
 * while Redis is down). The limit is lowered per request through changed settings.
 */
import { describe, expect, it } from "vitest";
import { mintKey } from "./helpers/api.ts";
import { call } from "./helpers/worker.ts";

const LOW = { RATE_LIMIT_PER_MINUTE: "3" };

describe("rate limits", () => {
  it("counts down, then answers 429 with Retry-After; other keys are unaffected", async () => {
    const a = await mintKey(["links:read"]);
    const b = await mintKey(["links:read"]);
    const remaining: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await call("GET", "/api/v1/links?limit=1", { key: a.key, settings: LOW });
      expect(res.status).toBe(200);
      expect(res.headers.get("x-ratelimit-limit")).toBe("3");
      remaining.push(res.headers.get("x-ratelimit-remaining")!);
      const reset = Number(res.headers.get("x-ratelimit-reset"));
      expect(reset * 1000).toBeGreaterThan(Date.now() - 1000);
      expect(reset * 1000).toBeLessThanOrEqual(Date.now() + 61_000);
    }
    expect(remaining).toEqual(["2", "1", "0"]);

    const refused = await call("GET", "/api/v1/links?limit=1", { key: a.key, settings: LOW });
    expect(refused.status).toBe(429);
    expect(refused.headers.get("content-type")).toBe("application/problem+json");
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers.get("retry-after"))).toBeLessThanOrEqual(60);
    expect(refused.headers.get("x-ratelimit-remaining")).toBe("0");
    expect(((await refused.json()) as any).status).toBe(429);
    // A refused write changes nothing.
    const write = await call("POST", "/api/v1/links", { key: a.key, settings: LOW, body: { url: "https://example.com" } });
    expect(write.status).toBe(429);

    const other = await call("GET", "/api/v1/links?limit=1", { key: b.key, settings: LOW });
    expect(other.status).toBe(200);
    expect(other.headers.get("x-ratelimit-remaining")).toBe("2");
  });

  it("sends no rate-limit headers when limits are off (RATE_LIMIT_PER_MINUTE=0)", async () => {
    const { key } = await mintKey(["links:read"]);
    const res = await call("GET", "/api/v1/links?limit=1", { key, settings: { RATE_LIMIT_PER_MINUTE: "0" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-ratelimit-limit")).toBeNull();
  });
});
