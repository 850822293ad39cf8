/** The rate limiter while the real Redis is stopped: it fails open, so API keys keep working. */
import { describe, expect, it } from "vitest";
import { mintKey } from "./helpers/api.ts";
import { control } from "./helpers/control.ts";
import { call } from "./helpers/worker.ts";

const LOW = { RATE_LIMIT_PER_MINUTE: "3" };

describe("rate limits", () => {
  it("fails open while Redis is down: requests pass, without rate-limit headers", async () => {
    const { key } = await mintKey(["links:read"]);
    await control("redis", "stop");
    try {
      for (let i = 0; i < 4; i++) {
        const res = await call("GET", "/api/v1/links?limit=1", { key, settings: LOW });
        expect(res.status).toBe(200);
        expect(res.headers.get("x-ratelimit-limit")).toBeNull();
      }
    } finally {
      await control("redis", "start");
    }
  });
});
