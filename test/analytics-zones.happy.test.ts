/**
 * Day buckets in time zones whose days are not 24 hours or whose offset is not a whole hour, checked on
 * hand-picked clicks and against a brute-force count of random clicks (Intl alone, no code under test).
 */
import { afterAll, describe, expect, it } from "vitest";
import { getJson, makeLink } from "./helpers/analytics.ts";
import { openDb } from "./helpers/db.ts";
import { rollUpClicks, type ClickSpec } from "./helpers/rollups.ts";

const { db, pool } = openDb();
afterAll(() => pool.end());

const stats = (slug: string, q: string) => getJson(`/api/v1/links/${slug}/stats?${q}`);
const series = (s: any) => s.timeseries.map((p: any) => [p.t, p.clicks]);

describe("time zones", () => {
  it("splits Europe/Berlin's 23-hour spring-forward day exactly at local midnights", async () => {
    const { id, slug } = await makeLink(db);
    const ts = ["2026-03-28T22:59:00Z", "2026-03-28T23:00:00Z", "2026-03-29T00:59:00Z", "2026-03-29T01:00:00Z", "2026-03-29T21:59:00Z", "2026-03-29T22:00:00Z"];
    await rollUpClicks(db, ts.map((t, i) => ({ linkId: id, ts: t, visitor: `v${i}` })));
    const day = await stats(slug, "from=2026-03-28&to=2026-03-30&tz=Europe/Berlin&interval=day");
    expect([day.from, day.to]).toEqual(["2026-03-27T23:00:00.000Z", "2026-03-30T22:00:00.000Z"]);
    expect(series(day)).toEqual([
      ["2026-03-28T00:00:00+01:00", 1], // 23:59 CET
      ["2026-03-29T00:00:00+01:00", 4], // 00:00 CET .. 23:59 CEST, 23 hours
      ["2026-03-30T00:00:00+02:00", 1],
    ]);
    const hours = await stats(slug, "from=2026-03-29&to=2026-03-29&tz=Europe/Berlin&interval=hour");
    expect(hours.timeseries).toHaveLength(23);
    expect(hours.timeseries.slice(0, 3)).toEqual([
      { t: "2026-03-29T00:00:00+01:00", clicks: 1, humans: 1, uniques: 1 },
      { t: "2026-03-29T01:00:00+01:00", clicks: 1, humans: 1, uniques: 1 },
      { t: "2026-03-29T03:00:00+02:00", clicks: 1, humans: 1, uniques: 1 },
    ]);
    expect(hours.timeseries[22]).toEqual({ t: "2026-03-29T23:00:00+02:00", clicks: 1, humans: 1, uniques: 1 });
  });

  it("gives Europe/Berlin's fall-back day 25 hours, the repeated 02:00 twice", async () => {
    const { id, slug } = await makeLink(db);
    const ts = ["2026-10-24T21:59:00Z", "2026-10-24T22:00:00Z", "2026-10-25T00:30:00Z", "2026-10-25T01:30:00Z", "2026-10-25T22:59:00Z", "2026-10-25T23:00:00Z"];
    await rollUpClicks(db, ts.map((t, i) => ({ linkId: id, ts: t, visitor: `v${i}` })));
    const day = await stats(slug, "from=2026-10-24&to=2026-10-26&tz=Europe/Berlin&interval=day");
    expect(series(day)).toEqual([
      ["2026-10-24T00:00:00+02:00", 1],
      ["2026-10-25T00:00:00+02:00", 4],
      ["2026-10-26T00:00:00+01:00", 1],
    ]);
    const hours = await stats(slug, "from=2026-10-25&to=2026-10-25&tz=Europe/Berlin&interval=hour");
    expect(hours.timeseries).toHaveLength(25);
    expect(series(hours).slice(2, 4)).toEqual([["2026-10-25T02:00:00+02:00", 1], ["2026-10-25T02:00:00+01:00", 1]]);
  });

  it("counts America/New_York's 23- and 25-hour days", async () => {
    const { id, slug } = await makeLink(db);
    // One click in every UTC hour from 2026-03-07 to 2026-03-10 and 2026-10-31 to 2026-11-03.
    const clicks: ClickSpec[] = [];
    for (const start of ["2026-03-07T00:00:00Z", "2026-10-31T00:00:00Z"]) {
      for (let h = 0; h < 72; h++) clicks.push({ linkId: id, ts: new Date(Date.parse(start) + h * 3_600_000 + 60_000), visitor: `v${h}`, kind: "bot" });
    }
    await rollUpClicks(db, clicks);
    const spring = await stats(slug, "from=2026-03-08&to=2026-03-08&tz=America/New_York&bots=include&interval=day");
    expect(series(spring)).toEqual([["2026-03-08T00:00:00-05:00", 23]]);
    const fall = await stats(slug, "from=2026-11-01&to=2026-11-01&tz=America/New_York&bots=include&interval=day");
    expect(series(fall)).toEqual([["2026-11-01T00:00:00-04:00", 25]]);
  });

  it("buckets Asia/Kolkata (+05:30) and Asia/Kathmandu (+05:45) days as the UTC hours starting in them", async () => {
    const { id, slug } = await makeLink(db);
    await rollUpClicks(db, [
      { linkId: id, ts: "2026-03-09T18:45:00Z", visitor: "a" }, // 00:15 IST on the 10th, but its hour starts 23:30 on the 9th
      { linkId: id, ts: "2026-03-09T19:00:00Z", visitor: "b" }, // 00:30 IST on the 10th
      { linkId: id, ts: "2026-03-10T18:59:00Z", visitor: "c" }, // 00:29 IST on the 11th, hour starts 23:30 on the 10th
    ]);
    const ist = await stats(slug, "from=2026-03-09&to=2026-03-11&tz=Asia/Kolkata&interval=day");
    expect(series(ist)).toEqual([["2026-03-09T00:00:00+05:30", 1], ["2026-03-10T00:00:00+05:30", 2], ["2026-03-11T00:00:00+05:30", 0]]);
    const npt = await stats(slug, "from=2026-03-10&to=2026-03-10&tz=Asia/Kathmandu&interval=hour");
    expect(npt.timeseries[0].t).toBe("2026-03-10T00:45:00+05:45");
    expect(npt.timeseries).toHaveLength(24);
    expect(npt.totals.clicks).toBe(2);
  });

  it("matches a brute-force count of random clicks in every zone, interval and bots mode", async () => {
    const { id, slug } = await makeLink(db);
    let seed = 42;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    const kinds = ["human", "human", "human", "bot", "preview"] as const;
    const clicks: ClickSpec[] = [];
    const start = Date.parse("2026-03-25T00:00:00Z");
    for (let i = 0; i < 600; i++) {
      clicks.push({
        linkId: id,
        ts: new Date(start + rand(10 * 24 * 60) * 60_000),
        visitor: `v${rand(40)}`,
        kind: kinds[rand(5)],
        country: ["DE", "IN", "NP", "US", ""][rand(5)] || null,
        referrerHost: `r${rand(12)}.example`,
      });
    }
    await rollUpClicks(db, clicks);

    for (const [tz, from, to, interval] of [
      ["Europe/Berlin", "2026-03-26", "2026-03-31", "day"],
      ["Asia/Kolkata", "2026-03-26T07:10:00+05:30", "2026-04-02T13:00:00Z", "day"],
      ["Asia/Kathmandu", "2026-03-27", "2026-03-28", "hour"],
      ["America/New_York", "2026-03-25T20:00", "2026-04-03", "day"],
    ] as const) {
      for (const bots of ["exclude", "include", "only"] as const) {
        const s = await stats(slug, `from=${from}&to=${to}&tz=${tz}&interval=${interval}&bots=${bots}&limit=100`);
        const lo = Date.parse(s.from);
        const hi = Date.parse(s.to);
        const counted = (c: ClickSpec) => (bots === "exclude" ? c.kind === "human" : bots === "only" ? c.kind !== "human" : true);
        const localDate = new Intl.DateTimeFormat("en-CA", { timeZone: tz, year: "numeric", month: "2-digit", day: "2-digit" });
        const hourOf = (c: ClickSpec) => Math.floor(new Date(c.ts).getTime() / 3_600_000) * 3_600_000;
        const inRange = clicks.filter((c) => hourOf(c) >= lo && hourOf(c) < hi);
        // Expected series: keyed by the local date (day) or UTC hour (hour) of each click's hour start.
        const key = (t: number) => (interval === "day" ? localDate.format(t) : String(t));
        const expected = new Map<string, number>();
        for (const c of inRange) if (counted(c)) expected.set(key(hourOf(c)), (expected.get(key(hourOf(c))) ?? 0) + 1);
        const got = new Map<string, number>();
        for (const p of s.timeseries) {
          const k = interval === "day" ? p.t.slice(0, 10) : String(Date.parse(p.t));
          if (p.clicks) got.set(k, p.clicks);
        }
        expect(got, `${tz} ${bots}`).toEqual(expected);
        expect(s.totals.clicks).toBe(inRange.filter(counted).length);
        expect(s.totals.humans + s.totals.bots + s.totals.previews).toBe(inRange.length);
        const byCountry = new Map<string | null, number>();
        for (const c of inRange.filter(counted)) byCountry.set(c.country ?? null, (byCountry.get(c.country ?? null) ?? 0) + 1);
        expect(new Map(s.countries.map((v: any) => [v.value, v.clicks])), `${tz} ${bots} countries`).toEqual(byCountry);
        expect(s.referrers.reduce((n: number, v: any) => n + v.clicks, 0)).toBe(s.totals.clicks);
      }
    }
  });
});
