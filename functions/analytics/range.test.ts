/** Unit tests of the range and bucket rules (docs/analytics.md), with zones whose days are not 24 hours. */
import { describe, expect, it } from "vitest";
import { parseBound, resolveRange, type ResolvedRange } from "./range.ts";
import { ZoneTimeline } from "./zoned-time.ts";

const iso = (t: number) => new Date(t).toISOString();
const ok = (r: ReturnType<typeof resolveRange>): ResolvedRange => {
  if ("errors" in r) throw new Error(JSON.stringify(r.errors));
  return r;
};
const NOW = Date.parse("2026-06-15T10:20:00Z");

describe("parseBound", () => {
  it("reads instants with offsets exactly and wall times in the zone", () => {
    expect(iso(parseBound("2026-03-01T09:30:00Z", "Asia/Tokyo", "from")!)).toBe("2026-03-01T09:30:00.000Z");
    expect(iso(parseBound("2026-03-01T09:30:00.250+05:30", "UTC", "from")!)).toBe("2026-03-01T04:00:00.250Z");
    expect(iso(parseBound("2026-03-01T09:30", "America/New_York", "from")!)).toBe("2026-03-01T14:30:00.000Z");
    // An unencoded "+" in a query string arrives as a space.
    expect(iso(parseBound("2026-03-01T09:30:00 05:30", "UTC", "from")!)).toBe("2026-03-01T04:00:00.000Z");
  });

  it("pushes a wall time skipped by DST forward and takes the earlier of a repeated one", () => {
    expect(iso(parseBound("2026-03-29T02:30:00", "Europe/Berlin", "from")!)).toBe("2026-03-29T01:30:00.000Z");
    expect(iso(parseBound("2026-10-25T02:30:00", "Europe/Berlin", "from")!)).toBe("2026-10-25T00:30:00.000Z");
  });

  it("reads a bare date as a whole local day: from its first hour, to the next day's", () => {
    expect(iso(parseBound("2026-03-29", "Europe/Berlin", "from")!)).toBe("2026-03-28T23:00:00.000Z");
    expect(iso(parseBound("2026-03-29", "Europe/Berlin", "to")!)).toBe("2026-03-29T22:00:00.000Z");
    // Kolkata's day starts 18:30 UTC: its first UTC hour start is 19:00 (00:30 local).
    expect(iso(parseBound("2026-03-10", "Asia/Kolkata", "from")!)).toBe("2026-03-09T19:00:00.000Z");
    expect(iso(parseBound("2026-03-10", "Asia/Kathmandu", "to")!)).toBe("2026-03-10T19:00:00.000Z");
  });

  it("refuses what is not a real ISO 8601 date", () => {
    for (const s of ["yesterday", "2026-02-30", "2026-13-01", "2026-1-01", "2026-03-01T25:00", "2026-03-01T10:00+25:00", "1969-12-31", "", "1700000000"]) {
      expect(parseBound(s, "UTC", "from"), s).toBeNull();
    }
  });
});

describe("resolveRange", () => {
  it("defaults to the 7 days up to the end of the current hour, by day", () => {
    const r = ok(resolveRange({ tz: "UTC" }, NOW));
    expect([iso(r.from), iso(r.to), r.interval]).toEqual(["2026-06-08T11:00:00.000Z", "2026-06-15T11:00:00.000Z", "day"]);
    expect(r.labels[0]).toBe("2026-06-08T00:00:00+00:00");
    expect(r.labels).toHaveLength(8);
  });

  it("floors from and ceils to the UTC hour; picks hour up to 2 days", () => {
    const r = ok(resolveRange({ from: "2026-06-01T10:20:00Z", to: "2026-06-03T09:10:00Z", tz: "UTC" }, NOW));
    expect([iso(r.from), iso(r.to), r.interval, r.labels.length]).toEqual(["2026-06-01T10:00:00.000Z", "2026-06-03T10:00:00.000Z", "hour", 48]);
  });

  it("cuts Berlin's spring-forward day into 23 hour buckets and its fall-back day into 25", () => {
    const spring = ok(resolveRange({ from: "2026-03-29", to: "2026-03-29", interval: "hour", tz: "Europe/Berlin" }, NOW));
    expect(spring.labels).toHaveLength(23);
    expect(spring.labels.slice(0, 3)).toEqual(["2026-03-29T00:00:00+01:00", "2026-03-29T01:00:00+01:00", "2026-03-29T03:00:00+02:00"]);
    const fall = ok(resolveRange({ from: "2026-10-25", to: "2026-10-25", interval: "hour", tz: "Europe/Berlin" }, NOW));
    expect(fall.labels).toHaveLength(25);
    expect(fall.labels.slice(2, 4)).toEqual(["2026-10-25T02:00:00+02:00", "2026-10-25T02:00:00+01:00"]);
  });

  it("gives each local day its own bucket across DST, with 23 and 25 hours", () => {
    const r = ok(resolveRange({ from: "2026-03-07", to: "2026-03-09", tz: "America/New_York" }, NOW));
    expect(r.labels).toEqual(["2026-03-07T00:00:00-05:00", "2026-03-08T00:00:00-05:00", "2026-03-09T00:00:00-04:00"]);
    const hours = r.bounds.slice(1).map((b, i) => (b - r.bounds[i]) / 3_600_000);
    expect(hours).toEqual([24, 23, 24]);
    const fall = ok(resolveRange({ from: "2026-11-01", to: "2026-11-01", interval: "day", tz: "America/New_York" }, NOW));
    expect((fall.to - fall.from) / 3_600_000).toBe(25);
  });

  it("buckets a half-hour zone's day as the UTC hours starting in it", () => {
    const r = ok(resolveRange({ from: "2026-03-10", to: "2026-03-11", tz: "Asia/Kolkata", interval: "day" }, NOW));
    expect(r.labels).toEqual(["2026-03-10T00:00:00+05:30", "2026-03-11T00:00:00+05:30"]);
    expect(r.bounds.map(iso)).toEqual(["2026-03-09T19:00:00.000Z", "2026-03-10T19:00:00.000Z", "2026-03-11T19:00:00.000Z"]);
    const ktm = ok(resolveRange({ from: "2026-03-10", to: "2026-03-10", tz: "Asia/Kathmandu", interval: "hour" }, NOW));
    expect(ktm.labels[0]).toBe("2026-03-10T00:45:00+05:45");
  });

  it("names the parameter of each error", () => {
    const errs = (q: Parameters<typeof resolveRange>[0]) => {
      const r = resolveRange(q, NOW);
      return "errors" in r ? r.errors.map((e) => e.path) : [];
    };
    expect(errs({ from: "x", to: "y", tz: "UTC" })).toEqual(["from", "to"]);
    expect(errs({ from: "2026-03-02", to: "2026-03-01", tz: "UTC" })).toEqual(["from"]);
    expect(errs({ from: "2026-03-01T10:00Z", to: "2026-03-01T10:00Z", tz: "UTC" })).toEqual(["from"]);
    expect(errs({ from: "2026-07-01", tz: "UTC" })).toEqual(["from"]);
    // A bare `to` includes its day: 2024-12-31 ends exactly 5 years after 2020-01-01.
    expect(errs({ from: "2020-01-01", to: "2024-12-31", tz: "UTC" })).toEqual([]);
    expect(errs({ from: "2020-01-01", to: "2025-01-01", tz: "UTC" })).toEqual(["to"]);
    expect(errs({ from: "2025-01-01", to: "2026-01-02", interval: "hour", tz: "UTC" })).toEqual(["interval"]);
  });
});

describe("ZoneTimeline", () => {
  it("agrees with Intl on every hour of a year in zones with odd offsets and DST", () => {
    for (const tz of ["Europe/Berlin", "America/New_York", "Asia/Kolkata", "Asia/Kathmandu", "Australia/Lord_Howe", "America/St_Johns"]) {
      const from = Date.parse("2026-01-01T00:00:00Z");
      const z = new ZoneTimeline(tz, from, from + 366 * 86_400_000);
      const fmt = new Intl.DateTimeFormat("sv-SE", { timeZone: tz, dateStyle: "short", timeStyle: "medium" });
      for (let t = from; t < from + 366 * 86_400_000; t += 3_600_000) {
        expect(z.format(t).slice(0, 19).replace("T", " "), `${tz} ${iso(t)}`).toBe(fmt.format(t));
      }
    }
  });
});
