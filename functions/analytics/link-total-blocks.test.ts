/** The link_totals blocks a range of whole days is read from: they tile it exactly, aligned, and few. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { linkTotalBlocks } from "../../db/queries/top-links.ts";
import { LINK_TOTAL_SPANS } from "../../db/schema/rollups.ts";

const DAY = 86_400_000;
const dayNumber = (iso: string) => Date.parse(iso) / DAY;

describe("linkTotalBlocks", () => {
  it("tiles any range of whole days with aligned blocks, at most 6 of each shorter length (3 at each end)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 30_000 }), fc.integer({ min: 1, max: 800 }), (from, length) => {
        const { days, start } = linkTotalBlocks(from * DAY, (from + length) * DAY);
        let at = from;
        for (let i = 0; i < days.length; i++) {
          expect(LINK_TOTAL_SPANS).toContain(days[i]);
          expect(dayNumber(start[i])).toBe(at); // contiguous: no gap, no overlap
          expect(at % days[i]).toBe(0); // aligned as the ingest writes them
          at += days[i];
        }
        expect(at).toBe(from + length);
        const longest = LINK_TOTAL_SPANS[0];
        for (const n of LINK_TOTAL_SPANS.slice(1)) expect(days.filter((d) => d === n).length).toBeLessThanOrEqual(6);
        expect(days.filter((d) => d === longest).length).toBeLessThanOrEqual(Math.floor(length / longest));
      }),
    );
  });

  it("reads 90 days in a handful of blocks instead of 90", () => {
    // 2026-09-03 .. 2026-12-01: day numbers 20699 .. 20788.
    const from = Date.UTC(2026, 8, 3);
    const { days } = linkTotalBlocks(from, from + 90 * DAY);
    expect(days.reduce((a, b) => a + b, 0)).toBe(90);
    expect(days.length).toBeLessThanOrEqual(12);
  });
});
