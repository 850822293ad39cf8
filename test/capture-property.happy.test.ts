/**
 * Property over batched capture through the real redirect: whatever mix of concurrent visits (links with and
 * without a click limit, humans, bots, HEADs), linger and batch limits, after a flush the raw clicks are
 * exactly the clicks served (one per recorded answer, by link and kind, each id once), the live counters
 * agree, and every rollup equals the same aggregate recomputed from the raw clicks with GROUP BY.
 */
import { sql } from "drizzle-orm";
import fc from "fast-check";
import { afterAll, afterEach, beforeEach, expect, it } from "vitest";
import { arrayLiteral } from "../db/sql-arrays.ts";
import { redisKeys } from "../functions/shared/redis-keys.ts";
import { withSettings } from "./helpers/env.ts";
import { forgetClicks } from "./helpers/forget-clicks.ts";
import { flush, ingestClients } from "./helpers/ingest.ts";
import { redis } from "./helpers/redis.ts";
import { rollupDiff } from "./helpers/rollup-oracle.ts";
import { Fixtures, human, visitor } from "./helpers/redirect.ts";
import { call } from "./helpers/worker.ts";

const f = new Fixtures();
afterAll(() => f.cleanup());
const made: string[] = [];
afterAll(() => forgetClicks(made));
let s: ReturnType<typeof ingestClients>;
beforeEach(() => { s = ingestClients(); });
afterEach(() => s.close());

const BOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";
const visitArb = fc.record({
  link: fc.nat(2),
  who: fc.constantFrom("human", "human", "bot", "head"),
  ip: fc.nat(3),
});

it("raw clicks equal clicks served, click limits count their claims only, and rollups equal GROUP BY over the raw clicks", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.record({
        linger: fc.constantFrom("0", "2", "10"),
        maxClicks: fc.integer({ min: 1, max: 12 }),
        waves: fc.array(fc.array(visitArb, { minLength: 1, maxLength: 30 }), { minLength: 1, maxLength: 4 }),
      }),
      async ({ linger, maxClicks, waves }) => {
        const links = [
          await f.link({ url: "https://example.com/a?utm_source=site" }),
          await f.link({ url: "https://example.com/b" }),
          await f.link({ url: "https://example.com/c", maxClicks: 4, fallbackUrl: "https://example.com/over" }),
        ];
        const env = withSettings({ CAPTURE_LINGER_MS: linger, CAPTURE_MAX_CLICKS: String(maxClicks) });
        const served = new Map<string, number>();
        for (const wave of waves) {
          const answers = await Promise.all(wave.map(async (v) => {
            const headers = { "x-forwarded-for": `203.0.113.${v.ip}` };
            const opts = v.who === "bot" ? visitor({ "user-agent": BOT, ...headers }) : human(headers);
            const res = await call(v.who === "head" ? "HEAD" : "GET", `/${links[v.link].slug}?utm_medium=w`, { ...opts, bindings: env });
            return { v, status: res.status };
          }));
          for (const { v, status } of answers) {
            expect([200, 302]).toContain(status); // every answer here is a recorded click (limit: the fallback)
            const kind = v.who === "head" ? "preview" : v.who;
            const key = `${links[v.link].id}/${kind}`;
            served.set(key, (served.get(key) ?? 0) + 1);
          }
        }
        expect((await flush()).body).toMatchObject({ pending: 0 });
        const ids = links.map((l) => l.id);
        made.push(...ids);
        const raw = await s.db.execute<{ link_id: string; kind: string; n: string; ids: string }>(
          sql`select link_id, kind, count(*) as n, count(distinct id) as ids from clicks
              where link_id = any(${arrayLiteral(ids)}::text[]) group by link_id, kind`,
        );
        const got = new Map(raw.rows.map((r) => [`${r.link_id}/${r.kind}`, Number(r.n)]));
        expect(got).toEqual(served);
        for (const r of raw.rows) expect(Number(r.ids)).toBe(Number(r.n));
        for (const l of links) {
          // Capture writes nothing but the stream entry: only the maxClicks link has a counter, its claims.
          const humans = served.get(`${l.id}/human`) ?? 0;
          const claims = await redis.get(redisKeys.clickClaims(l.id));
          if (l === links[2]) expect(Number(claims ?? 0)).toBe(Math.min(humans, 4));
          else expect(claims).toBeNull();
        }
        expect(await rollupDiff(s.db, { links: ids })).toEqual({});
      },
    ),
    { numRuns: 15 },
  );
});
