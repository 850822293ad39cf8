/** Stats while the real redis-server is stopped: answered from Postgres, without the live figures. */
import { describe, expect, it } from "vitest";
import { redisKeys } from "../functions/shared/redis-keys.ts";
import { makeClick, xaddBatch } from "./helpers/clicks.ts";
import { getJson, waitingClicksOfFile } from "./helpers/analytics.ts";
import { control } from "./helpers/control.ts";
import { redis } from "./helpers/redis.ts";
import { rollUpClicks } from "./helpers/rollups.ts";

const { db, waiting } = waitingClicksOfFile();

describe("live counter", () => {
  it("still answers from Postgres, with live null, while the real redis-server is down", async () => {
    const { id, slug } = await waiting.link(db, 5, 5);
    await rollUpClicks(db, [{ linkId: id, ts: new Date(), visitor: "a" }]);
    await control("redis", "stop");
    try {
      const s = await getJson(`/api/v1/links/${slug}/stats`);
      expect(s.totals.clicks).toBe(1);
      expect(s.live).toBeNull();
    } finally {
      await control("redis", "start");
    }
    // Redis back: a click waits again, and the live figures are back beside the ingested one.
    const again = await xaddBatch(redis, [makeClick({ linkId: id, slug })]);
    const live = (await getJson(`/api/v1/links/${slug}/stats`)).live;
    await redis.xdel(redisKeys.clickStream, [again]); // no later file's ingest takes it
    expect(live.ingested).toEqual({ clicks: 1, humans: 1 });
    expect(live.pending.clicks).toBeGreaterThanOrEqual(1);
    expect(live.clicks).toBe(1 + live.pending.clicks);
  });
});
