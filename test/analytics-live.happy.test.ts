/** The live figures: clicks waiting in the click stream, not ingested yet, beside the ingested totals. */
import { describe, expect, it } from "vitest";
import { getJson, makeLink, waitingClicksOfFile } from "./helpers/analytics.ts";
import { rollUpClicks } from "./helpers/rollups.ts";

const { db, waiting } = waitingClicksOfFile();

describe("live counter", () => {
  it("adds the clicks waiting in the stream to the all-time ingested total", async () => {
    const { id, slug } = await waiting.link(db, 3, 2);
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
    expect(s.live).toEqual({ clicks: 9, humans: 6, ingested: { clicks: 6, humans: 4 }, pending: { clicks: 3, humans: 2 }, complete: true });
  });

  it("counts only the link's own waiting clicks, and a link never clicked as zero", async () => {
    const other = await waiting.link(db, 4, 4);
    const bots = await waiting.link(db, 1, 0);
    await rollUpClicks(db, [
      { linkId: bots.id, ts: new Date(), visitor: "a" },
      { linkId: bots.id, ts: new Date(), visitor: "b" },
    ]);
    expect((await getJson(`/api/v1/links/${bots.slug}/stats`)).live).toEqual({
      clicks: 3, humans: 2, ingested: { clicks: 2, humans: 2 }, pending: { clicks: 1, humans: 0 }, complete: true,
    });
    expect((await getJson(`/api/v1/links/${other.slug}/stats`)).live.pending).toEqual({ clicks: 4, humans: 4 });
    const fresh = await makeLink(db);
    expect((await getJson(`/api/v1/links/${fresh.slug}/stats`)).live).toEqual({
      clicks: 0, humans: 0, ingested: { clicks: 0, humans: 0 }, pending: { clicks: 0, humans: 0 }, complete: true,
    });
  });
});
