/**
 * Property: whatever clicks arrive (any mix of links, visitors, kinds, times within three days, in any
 * order, over several runs and batch sizes, through the stream (one click or a capture batch per entry), the
 * inbox, or both, some delivered twice),
 * after the flushes the raw clicks are exactly the clicks enqueued, and every rollup equals the same
 * aggregate recomputed from the raw clicks with GROUP BY: per link and for all links. Clicks carry any
 * routing outcome (none: an event from before routing; the url, a rule, one of two variants, a fallback, a
 * withheld answer), and some share an instant, so the variant a unique goes to is tested on ties too.
 * Between the rounds the sealed days may move (1 to 70 days past the run's start, some of those folds during
 * a flush), so clicks reach the dimension blocks through the fold and as late clicks of sealed days.
 */
import { sql } from "drizzle-orm";
import fc from "fast-check";
import { afterEach, beforeAll, beforeEach, expect, it } from "vitest";
import { arrayLiteral } from "../db/sql-arrays.ts";
import type { ClickEvent } from "../functions/shared/click-event.ts";
import { insertInbox, makeClick, UA, uid, xadd, xaddBatch } from "./helpers/clicks.ts";
import { flush, ingestClients } from "./helpers/ingest.ts";
import { rollupDiff } from "./helpers/rollup-oracle.ts";
import { foldDimBlocks } from "../db/queries/dim-blocks.ts";
import { resetDimBlocks } from "./helpers/rollups.ts";

const DAY = 86_400_000;
// Each run writes into its own four days, long ago, so the all-links rows of that window are its alone.
// A random stretch of the past per file (away from other files' clicks in the all-links rollups), ending
// well before now: the pipeline dead-letters clicks from the future. Runs start RUN_STEP days apart, past
// the farthest seal a run moves to (70 days after its start), so every run starts on unsealed days.
const RUN_STEP = 80 * DAY;
const EPOCH = Date.UTC(2001, 0, 1);
const FILE_BASE = EPOCH + Math.floor(Math.random() * Math.floor((Date.now() - 30 * RUN_STEP - EPOCH) / (5 * DAY))) * 5 * DAY;
let run = 0;

let s: ReturnType<typeof ingestClients>;
beforeEach(() => { s = ingestClients(); });
afterEach(() => s.close());
beforeAll(async () => {
  expect((await flush()).status).toBe(200);
  // Nothing sealed (a state the fold may always start from), so the folds below move the seal through the runs.
  const c = ingestClients();
  await resetDimBlocks(c.db);
  await c.close();
});

const clickArb = fc.record({
  link: fc.nat(3),
  visitor: fc.nat(4),
  kind: fc.constantFrom("human", "human", "human", "bot", "preview") as fc.Arbitrary<ClickEvent["kind"]>,
  // A few fixed instants make ties: one visitor's two clicks in the same millisecond, served differently.
  offset: fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 0, max: 3 * DAY - 1 }) }, { weight: 1, arbitrary: fc.constantFrom(1000, DAY + 5) }),
  route: fc.constantFrom<[string | null, string | null] | null>(
    null, ["https://example.com/p", "url"], ["https://example.com/ios", "rule:0"], ["https://example.com/a", "variant:0"],
    ["https://example.com/b", "variant:1"], ["https://example.com/b", "variant:1"], ["https://example.com/fallback", null],
    [null, null], ["https://example.com/a", "variant:99"],
  ),
  ua: fc.constantFrom(UA.chromeWindows, UA.safariIphone, UA.firefoxLinux, UA.googlebot, null),
  referrer: fc.constantFrom(null, "https://www.google.com/search?q=1", "https://t.co/x", "not a url"),
  geo: fc.constantFrom([null, null, null], ["US", "CA", "San Francisco"], ["DE", "BE", "Berlin"], ["US", "NY", null]),
  query: fc.constantFrom(null, "utm_source=nl&utm_medium=email", "utm_campaign=spring", "a=1"),
  dest: fc.constantFrom(null, "https://example.com/?utm_source=site&utm_campaign=evergreen", "https://example.com/p"),
  via: fc.constantFrom("stream", "stream", "stream", "inbox", "both", "batch", "batch"),
  twice: fc.integer({ min: 0, max: 7 }).map((n) => n === 0),
  round: fc.nat(2),
});

it("raw clicks equal clicks enqueued, and every rollup equals GROUP BY over the raw clicks", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.record({
        batch: fc.integer({ min: 1, max: 25 }),
        clicks: fc.array(clickArb, { minLength: 1, maxLength: 60 }),
        folds: fc.array(fc.option(fc.record({ days: fc.constantFrom(1, 2, 3, 4, 20, 70), duringFlush: fc.boolean() })), { minLength: 3, maxLength: 3 }),
      }),
      async ({ batch, clicks, folds }) => {
        const base = FILE_BASE + run++ * RUN_STEP;
        const links = Array.from({ length: 4 }, () => uid("lnk_"));
        const visitors = Array.from({ length: 5 }, () => uid("v").padEnd(64, "0"));
        const events = clicks.map((c) => ({
          c,
          e: makeClick({
            linkId: links[c.link], visitor: visitors[c.visitor], ts: base + c.offset, kind: c.kind,
            reason: c.kind === "human" ? null : c.kind === "bot" ? "isbot" : "head", ua: c.ua, referrer: c.referrer,
            country: c.geo[0], region: c.geo[1], city: c.geo[2], query: c.query, dest: c.dest,
            ...(c.route ? { chosenUrl: c.route[0], chosenBy: c.route[1] } : {}),
          }),
        }));
        for (let round = 0; round < 3; round++) {
          const now = events.filter((x) => x.c.round === round);
          const toStream = now.filter((x) => x.c.via === "stream" || x.c.via === "both").flatMap((x) => (x.c.twice ? [x.e, x.e] : [x.e]));
          await xadd(s.redis, toStream);
          // Capture batches (several clicks per entry), as the redirect writes them under load.
          const batched = now.filter((x) => x.c.via === "batch").flatMap((x) => (x.c.twice ? [x.e, x.e] : [x.e]));
          for (let i = 0; i < batched.length; i += 7) await xaddBatch(s.redis, batched.slice(i, i + 7));
          await insertInbox(s.db, now.filter((x) => x.c.via === "inbox" || x.c.via === "both").map((x) => x.e));
          const f = folds[round];
          const fold = () => foldDimBlocks(s.db, new Date(base + f!.days * DAY).toISOString().slice(0, 10));
          const [res] = await Promise.all([flush({ INGEST_BATCH_SIZE: String(batch) }), f?.duringFlush ? fold() : null]);
          if (f && !f.duringFlush) await fold();
          expect(res.status).toBe(200);
          expect(res.body.pending).toBe(0);
        }

        const raw = await s.db.execute<{ id: string; link_id: string; ts: Date; kind: string; visitor: string }>(
          sql`select id, link_id, ts, kind, visitor from clicks where link_id = any(${arrayLiteral(links)}::text[]) order by id`,
        );
        const enqueued = events.map(({ e }) => ({ id: e.id, link_id: e.linkId, ts: new Date(e.ts).getTime(), kind: e.kind, visitor: e.visitor }))
          .sort((a, b) => (a.id < b.id ? -1 : 1));
        expect(raw.rows.map((r) => ({ ...r, ts: new Date(r.ts).getTime() }))).toEqual(enqueued);

        expect(await rollupDiff(s.db, { links })).toEqual({});
        expect(await rollupDiff(s.db, { allLinks: { from: new Date(base), to: new Date(base + 4 * DAY) } })).toEqual({});
      },
    ),
    { numRuns: 25 },
  );
});
