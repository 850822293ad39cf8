/** Every bad stats parameter answers 400 problem+json naming it; an unknown slug 404. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { get, makeLink } from "./helpers/analytics.ts";
import { openDb } from "./helpers/db.ts";

const { db, pool } = openDb();
let slug = "";
beforeAll(async () => { slug = (await makeLink(db)).slug; });
afterAll(() => pool.end());

const cases: [string, string, string][] = [
  ["an unparsable from", "from=yesterday", "from"],
  ["an unparsable to", "to=2026-13-01", "to"],
  ["a date that does not exist", "from=2026-02-30", "from"],
  ["a date-time with a bad hour", "from=2026-02-01T24:00:00Z", "from"],
  ["from after to", "from=2026-03-02&to=2026-03-01", "from"],
  ["from equal to to", "from=2026-03-01T10:00:00Z&to=2026-03-01T10:00:00Z", "from"],
  ["from in the future without to", "from=2999-01-01", "from"],
  ["a range over 5 years", "from=2020-01-01&to=2025-01-01", "to"],
  ["an unknown zone", "tz=Mars/Olympus_Mons", "tz"],
  ["an empty zone", "tz=", "tz"],
  ["an unknown interval", "interval=week", "interval"],
  ["hour buckets over 366 days", "from=2025-01-01&to=2026-01-02&interval=hour", "interval"],
  ["an unknown bots mode", "bots=some", "bots"],
  ["limit 0", "limit=0", "limit"],
  ["limit 101", "limit=101", "limit"],
  ["a fractional limit", "limit=1.5", "limit"],
  ["a limit that is not a number", "limit=ten", "limit"],
  ["an unknown format", "format=xml", "format"],
  // Postgres cannot read ISO text past 9999 (+010000-01-01T...): a bound that ends up there is refused.
  ["a to whose local day ends in the year 10000", "from=9999-12-30&to=9999-12-31", "to"],
  ["a to in the year 10000 by its offset", "from=9999-12-31T00:00:00Z&to=9999-12-31T23:00:00-23:59", "to"],
  ["a to ceiled into the year 10000", "from=9999-12-31T00:00:00Z&to=9999-12-31T23:30:00Z", "to"],
  ["a to whose wall time in tz is in the year 10000 in UTC", "from=9999-12-31&to=9999-12-31T20:00:00&tz=Etc/GMT%2B12", "to"],
];

describe("stats: bad input", () => {
  for (const [what, query, param] of cases) {
    for (const path of ["/api/v1/links/{slug}/stats", "/api/v1/stats"]) {
      it(`${path}: ${what} → 400 naming ${param}`, async () => {
        const res = await get(`${path.replace("{slug}", slug)}?${query}`);
        expect(res.status).toBe(400);
        expect(res.headers.get("content-type")).toBe("application/problem+json");
        const body = (await res.json()) as { status: number; errors: { path: string; message: string }[] };
        expect(body.status).toBe(400);
        expect(body.errors.map((e) => e.path)).toEqual([param]);
        expect(body.errors[0].message).toBeTruthy();
      });
    }
  }

  it("names both bounds when both are unparsable", async () => {
    const body = (await (await get(`/api/v1/links/${slug}/stats?from=x&to=y`)).json()) as { errors: { path: string }[] };
    expect(body.errors.map((e) => e.path)).toEqual(["from", "to"]);
  });

  it("answers 404 problem+json for a slug no link has, also as CSV", async () => {
    for (const q of ["", "?format=csv"]) {
      const res = await get(`/api/v1/links/no-such-${slug}/stats${q}`);
      expect(res.status).toBe(404);
      expect(res.headers.get("content-type")).toBe("application/problem+json");
    }
  });

  it("answers 400 naming the slug to one no link can have (a NUL, a space), without asking Postgres", async () => {
    for (const bad of ["a%00b", "%00", "a%20b", "x".repeat(65)]) {
      const res = await get(`/api/v1/links/${bad}/stats`);
      expect(res.status, bad).toBe(400);
      expect(res.headers.get("content-type")).toBe("application/problem+json");
      expect(((await res.json()) as { errors: { path: string }[] }).errors.map((e) => e.path)).toEqual(["slug"]);
    }
  });

  it("still answers the last hours before the year 10000", async () => {
    const res = await get(`/api/v1/links/${slug}/stats?from=9999-12-31T20:00:00Z&to=9999-12-31T23:00:00Z`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ from: "9999-12-31T20:00:00.000Z", to: "9999-12-31T23:00:00.000Z" });
  });

  it("answers 404 for an unknown slug", async () => {
    const res = await get("/api/v1/links/no-such-slug-here/stats");
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
  });
});
