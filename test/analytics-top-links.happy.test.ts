/**
 * All links' top links come from each link_totals block's leaders when the traffic is skewed enough, and from
 * every link otherwise (db/queries/top-links.ts): either way the answer must be exactly the top links of the
 * clicks rolled up. Each case writes into its own stretch of days far in the future, so the all-links rows
 * and blocks it reads are its alone. 35 links or more per day: more than the 30 leaders read per block.
 */
import { sql } from "drizzle-orm";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { readStats, statsQuery, type BotMode } from "../db/queries/stats.ts";
import { DIMENSION_FIELDS } from "../functions/analytics/build-stats.ts";
import { resolveRange } from "../functions/analytics/range.ts";
import { randomBase62 } from "../functions/shared/crypto.ts";
import { openDb } from "./helpers/db.ts";
import { rollUpClicks, type ClickSpec } from "./helpers/rollups.ts";

const { db, pool } = openDb();
afterAll(() => pool.end());

const DAY = 86_400_000;
const HOUR = 3_600_000;
// Stretches of 32 days from the year 2300 on, one per case, drawn without repeats within this file.
const STRETCHES = 30_000;
const used = new Set<number>();
function freshStretch(): number {
  let n: number;
  do n = Math.floor(Math.random() * STRETCHES); while (used.has(n));
  used.add(n);
  return Date.UTC(2300, 0, 1) + n * 32 * DAY;
}

interface Click { link: number; at: number; kind: "human" | "bot" | "preview" }

const counted: Record<BotMode, (k: Click["kind"]) => boolean> = {
  exclude: (k) => k === "human",
  include: () => true,
  only: (k) => k !== "human",
};

/** The top links of `clicks` in [from, to) by the bots mode, as the stats rank them: most first, then by id. */
function oracle(clicks: Click[], ids: string[], from: number, to: number, bots: BotMode, limit: number) {
  const n = new Map<string, number>();
  for (const c of clicks) {
    if (c.at >= from && c.at < to && counted[bots](c.kind)) n.set(ids[c.link], (n.get(ids[c.link]) ?? 0) + 1);
  }
  return [...n].sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0)).slice(0, limit).map(([id, k]) => `${id}:${k}`);
}

/** Rolls `clicks` up on fresh link ids, reads the stats of [from, to) and returns the top links and the path taken. */
async function topLinks(clicks: Click[], links: number, base: number, q: { from: string; to: string }, bots: BotMode, limit: number) {
  const ids = Array.from({ length: links }, (_, i) => `lnk_top_${randomBase62(6)}_${String(i).padStart(3, "0")}`);
  const specs: ClickSpec[] = clicks.map((c, i) => ({ linkId: ids[c.link], ts: new Date(base + c.at), visitor: `v${i}`, kind: c.kind }));
  await rollUpClicks(db, specs);
  const range = resolveRange({ ...q, interval: "day", tz: "UTC" }, base + 40 * DAY);
  if ("errors" in range) throw new Error(JSON.stringify(range.errors));
  const raw = await readStats(db, { slug: null, range, bots, limit, dims: [...DIMENSION_FIELDS.map(([d]) => d), "link"] });
  const got = raw.dims.filter((d) => d.dim === "link").map((d) => `${d.value}:${d.n}`);
  const want = oracle(clicks.map((c) => ({ ...c, at: base + c.at })), ids, range.from, range.to, bots, limit);
  return { got, want, pruned: raw.topLinksPruned };
}

const iso = (t: number) => new Date(t).toISOString();

describe("all links' top links", () => {
  it("come from the blocks' leaders when a few links take most clicks, exactly", async () => {
    // 40 links on each of 3 days, link i with about 120/(i+1) clicks a day: the 10th has 36 in all, while a
    // link outside the 30 leaders of a day has at most 4 that day.
    const clicks: Click[] = [];
    for (let day = 0; day < 3; day++) {
      for (let link = 0; link < 40; link++) {
        const k = Math.max(1, Math.round(120 / (link + 1)));
        for (let j = 0; j < k; j++) clicks.push({ link, at: day * DAY + (j % 24) * HOUR, kind: j % 7 === 6 ? "bot" : "human" });
      }
    }
    const base = freshStretch();
    const r = await topLinks(clicks, 40, base, { from: iso(base).slice(0, 10), to: iso(base + 2 * DAY).slice(0, 10) }, "exclude", 10);
    expect(r.got).toEqual(r.want);
    expect(r.got).toHaveLength(10);
    expect(r.pruned).toBe(true);
  });

  it("sum every link when traffic is flat, with ties ranked by id", async () => {
    // 40 links with 2 clicks on each of 2 days: a link outside the leaders could have as many as the 10th.
    const clicks: Click[] = [];
    for (let day = 0; day < 2; day++) for (let link = 0; link < 40; link++) for (let j = 0; j < 2; j++) clicks.push({ link, at: day * DAY + j * HOUR, kind: "human" });
    const base = freshStretch();
    const r = await topLinks(clicks, 40, base, { from: iso(base).slice(0, 10), to: iso(base + DAY).slice(0, 10) }, "include", 10);
    expect(r.got).toEqual(r.want);
    expect(r.pruned).toBe(false);
  });

  it("are exact for any clicks, bots mode, limit and range, edge hours included (property)", async () => {
    const seen = new Set<boolean | null>();
    type Mode = "skewed" | "random" | "even";
    const click = (links: number, mode: Mode, days: number) =>
      fc.record({
        // Skewed: link floor(links * u^3), most clicks on the first few links; random: any link alike.
        link: fc.integer({ min: 0, max: 999 }).map((u) => Math.min(links - 1, Math.floor(links * (mode === "skewed" ? (u / 1000) ** 3 : u / 1000)))),
        at: fc.integer({ min: 0, max: (days + 1) * DAY - 1 }),
        kind: fc.constantFrom<Click["kind"]>("human", "human", "human", "bot", "preview"),
      });
    // Enough clicks a day that most days have more links than the leaders read, so the bound is not zero.
    const scenario = fc
      .record({ links: fc.integer({ min: 35, max: 50 }), mode: fc.constantFrom<Mode>("skewed", "random", "even"), days: fc.integer({ min: 1, max: 4 }) })
      .chain(({ links, mode, days }) =>
        fc.record({
          links: fc.constant(links),
          // Even: every link gets the same clicks each day, so links outside the leaders tie with those
          // inside, and every link must be summed.
          clicks: fc.array(click(links, mode, days), { minLength: 100 * days, maxLength: 300 * (days + 1) }).map((cs) =>
            mode !== "even"
              ? cs
              : cs.slice(0, cs.length - (cs.length % (links * (days + 1))))
                  .map((c, i) => ({ ...c, link: i % links, at: (Math.floor(i / links) % (days + 1)) * DAY + (c.at % DAY) })),
          ),
          // Whole days, or a rolling range whose first and last days are partial (their hours are edges, and
          // each link of theirs a candidate). Even traffic over whole days always needs every link summed.
          fromHour: mode === "even" ? fc.constant(0) : fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 23 })),
          days: fc.constant(days),
          toHour: mode === "even" ? fc.constant(0) : fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 23 })),
          bots: fc.constantFrom<BotMode>("exclude", "include", "only"),
          limit: fc.constantFrom(1, 3, 10),
        }),
      );
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const base = freshStretch();
        const from = base + s.fromHour * HOUR;
        const to = base + s.days * DAY + s.toHour * HOUR;
        const r = await topLinks(s.clicks, s.links, base, { from: iso(from), to: iso(to) }, s.bots, s.limit);
        seen.add(r.pruned);
        expect(r.got).toEqual(r.want);
      }),
      { numRuns: 25 },
    );
    // Both ways were taken (a range within one day has no whole day, hence no blocks: null). A third of the
    // runs are even traffic, so all 25 miss the summing way with a chance of (2/3)^25, 4 in 100,000.
    expect(seen.has(true)).toBe(true);
    expect(seen.has(false)).toBe(true);
  });

  it("look up each top link's slug by primary key, not by a scan of every link", async () => {
    // The rollups' values are collated "C" and links.id is not: compared as they are, links_pkey cannot be
    // used, and every top link cost a scan of the whole links table. With sequential scans priced out, the
    // plan shows one only where no index can serve.
    const base = freshStretch();
    const range = resolveRange({ from: iso(base).slice(0, 10), to: iso(base + 2 * DAY).slice(0, 10), interval: "day", tz: "UTC" }, base + 40 * DAY);
    if ("errors" in range) throw new Error(JSON.stringify(range.errors));
    const q = statsQuery({ slug: null, range, bots: "exclude", limit: 10, dims: [...DIMENSION_FIELDS.map(([d]) => d), "link"] });
    const plan = await db.transaction(async (tx) => {
      await tx.execute(sql`set local enable_seqscan = off`);
      const { rows } = await tx.execute(sql`explain (costs off) ${q}`);
      return rows.map((r) => String(r["QUERY PLAN"])).join("\n");
    });
    expect(plan).toContain("links_pkey");
    expect(plan).not.toMatch(/Seq Scan on links\b/);
  });
});
