/** Unit tests of an analytics page's range: presets, custom whole days in the person's zone, bad input. */
import { describe, expect, it } from "vitest";
import { pageRange } from "./page-range.ts";

describe("analytics page range", () => {
  it("makes a custom range of whole days in the zone, both ends included", () => {
    const r = pageRange({ range: "custom", from: "2025-03-29", to: "2025-03-30" }, "Europe/Paris");
    expect(r.from.toISOString()).toBe("2025-03-28T23:00:00.000Z");
    expect(r.to.toISOString()).toBe("2025-03-30T22:00:00.000Z"); // midnight after the 30th, summer time
    expect(r.interval).toBe("hour");
    expect(r.errors).toEqual({});
  });

  it("names the custom days that do not parse, and picks presets safely", () => {
    expect(pageRange({ range: "custom", from: "2025-13-45x" }, "UTC").errors).toEqual({
      from: "Pick the first day of the range.", to: "Pick the last day of the range.",
    });
    const now = Date.parse("2025-06-01T00:00:00Z");
    const r = pageRange({ range: "90d" }, "UTC", now);
    expect(r.to.getTime() - r.from.getTime()).toBe(90 * 86400_000);
    expect(r.interval).toBe("day");
    expect(pageRange({ range: "constructor" }, "UTC", now).range).toBe("7d");
  });
});
