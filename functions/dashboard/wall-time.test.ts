/** Unit tests of the dashboard's wall times: form inputs read in the person's zone, instants shown in it. */
import { describe, expect, it } from "vitest";
import { parseWallTime, toWallInput } from "./wall-time.ts";

describe("time zones", () => {
  it("reads wall times in a zone, across a daylight-saving change", () => {
    expect(parseWallTime("2025-03-29T12:00", "Europe/Paris")!.toISOString()).toBe("2025-03-29T11:00:00.000Z");
    expect(parseWallTime("2025-03-30T12:00", "Europe/Paris")!.toISOString()).toBe("2025-03-30T10:00:00.000Z");
    expect(parseWallTime("2025-03-30", "Asia/Kolkata")!.toISOString()).toBe("2025-03-29T18:30:00.000Z");
    expect(parseWallTime("not a date", "UTC")).toBeNull();
    expect(toWallInput("2025-03-30T10:00:00.000Z", "Europe/Paris")).toBe("2025-03-30T12:00");
  });
});
