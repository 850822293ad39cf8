/** The live counter: clicks the redirect has counted in Redis but the pipeline has not ingested yet. */
import { describe, expect, it } from "vitest";
import { getJson, liveCountersOfFile, makeLink } from "./helpers/analytics.ts";
import { rollUpClicks } from "./helpers/rollups.ts";

const { db, counters } = liveCountersOfFile();

describe("live counter", () => {
  it("reports the Redis counters beside the all-time ingested total, and what is still pending", async () => {
    const { id, slug } = await counters.link(db, 9, 6);
    // Ingested: 3 clicks last year (outside the range asked) and 3 this week, 4 of them human.
    const now = Date.now();
    await rollUpClicks(db, [
      { linkId: id, ts: new Date(now - 400 * 86_400_000), visitor: "a" },
      { linkId: id, ts: new Date(now - 400 * 86_400_000), visitor: "b", kind: "bot" },
      { linkId: id, ts: new Date(now - 300 * 86_400_000), visitor: "a" },
      { linkId: id, ts: new Date(now - 86_400_000), visitor: "c" },
      { linkId: id, ts: new Date(now - 86_400_000), visitor: "d" },
      { linkId: id, ts: new Date(now - 86_400_000), visitor: "e", kind: "preview" },
    ]);
    const s = await getJson(`/api/v1/links/${slug}/stats`);
    expect(s.totals.clicks).toBe(2);
    expect(s.live).toEqual({ clicks: 9, humans: 6, ingested: { clicks: 6, humans: 4 }, pending: { clicks: 3, humans: 2 } });
  });

  it("never reports a negative pending count, and counts a link never clicked as zero", async () => {
    const behind = await counters.link(db, 1, 0);
    await rollUpClicks(db, [
      { linkId: behind.id, ts: new Date(), visitor: "a" },
      { linkId: behind.id, ts: new Date(), visitor: "b" },
    ]);
    expect((await getJson(`/api/v1/links/${behind.slug}/stats`)).live).toEqual({
      clicks: 1, humans: 0, ingested: { clicks: 2, humans: 2 }, pending: { clicks: 0, humans: 0 },
    });
    const fresh = await makeLink(db);
    expect((await getJson(`/api/v1/links/${fresh.slug}/stats`)).live).toEqual({
      clicks: 0, humans: 0, ingested: { clicks: 0, humans: 0 }, pending: { clicks: 0, humans: 0 },
    });
  });
});
