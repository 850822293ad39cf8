import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { and, eq, sql } from "drizzle-orm";
import fc from "fast-check";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { clicks, clicksDimsHourly, clicksHourly, links } from "../db/schema.ts";
import { visitorKey } from "../functions/ingest/visitor-key.ts";
import { arrayLiteral } from "../db/sql-arrays.ts";
import { runRetention } from "../functions/ingest/retention.ts";
import worker from "../workers/index.ts";
import { enqueue, insertInbox, makeClick, UA, uid } from "./helpers/clicks.ts";
import { withSettings } from "./helpers/env.ts";
import { flush, ingestClients } from "./helpers/ingest.ts";
import { rollupDiff } from "./helpers/rollup-oracle.ts";
import { call } from "./helpers/worker.ts";

let s: ReturnType<typeof ingestClients>;
beforeEach(() => { s = ingestClients(); });
afterEach(() => s.close());

beforeAll(async () => {
  // Whatever earlier files left on the stream or in the inbox goes first, so counts below are ours.
  expect((await flush()).status).toBe(200);
});

describe("POST /api/v1/ingest/flush (admin key)", () => {
  it("ingests stream clicks enriched, keeps the rollups, and answers ingested and pending", async () => {
    const linkId = uid("lnk_");
    await s.db.insert(links).values({ id: linkId, slug: uid("s"), url: "https://example.com/" });
    const hour = Math.floor(Date.now() / 3_600_000) * 3_600_000 - 3_600_000;
    const visitor = uid("v").padEnd(64, "0");
    const first = makeClick({
      linkId, visitor, ts: hour + 60_000, ua: UA.chromeWindows, referrer: "https://www.Google.com/search?q=x",
      country: "US", region: "CA", city: "San Francisco", query: "utm_source=news&utm_medium=email",
      dest: "https://example.com/?utm_campaign=spring&utm_source=dest",
    });
    const second = makeClick({ linkId, visitor, ts: hour + 120_000, ua: UA.safariIphone });
    const bot = makeClick({ linkId, ts: hour + 180_000, ua: UA.googlebot, kind: "bot", reason: "isbot" });
    await enqueue(s, [first, second, bot]);

    const res = await flush();
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ingested: 3, pending: 0, deadLettered: 0, drained: true });

    const [row] = await s.db.select().from(clicks).where(eq(clicks.id, first.id));
    expect(row).toMatchObject({
      linkId, kind: "human", visitor, device: "desktop", browser: "Chrome", os: "Windows",
      referrer: "https://www.Google.com/search?q=x", referrerHost: "google.com", country: "US", region: "CA",
      city: "San Francisco", utmSource: "news", utmMedium: "email", utmCampaign: "spring",
      query: "utm_source=news&utm_medium=email",
    });
    expect(row.ts.getTime()).toBe(first.ts);
    const [mobile] = await s.db.select().from(clicks).where(eq(clicks.id, second.id));
    expect(mobile).toMatchObject({ device: "mobile", browser: "Mobile Safari", os: "iOS", referrerHost: null, utmSource: null });

    const hourly = await s.db.select().from(clicksHourly).where(eq(clicksHourly.linkId, linkId));
    expect(hourly).toEqual([{ linkId, hour: new Date(hour), clicks: 3, humans: 2, bots: 1, previews: 0, uniques: 1 }]);
    const browsers = await s.db.select({ value: clicksDimsHourly.value, clicks: clicksDimsHourly.clicks, humans: clicksDimsHourly.humans })
      .from(clicksDimsHourly).where(and(eq(clicksDimsHourly.linkId, linkId), eq(clicksDimsHourly.dim, "browser")))
      .orderBy(clicksDimsHourly.value);
    // The bot's user agent names no browser: an unknown value has no row (stats derive it from the total).
    expect(browsers).toEqual([{ value: "Chrome", clicks: 1, humans: 1 }, { value: "Mobile Safari", clicks: 1, humans: 1 }]);
    const [top] = await s.db.select().from(clicksDimsHourly).where(and(eq(clicksDimsHourly.linkId, "*"),
      eq(clicksDimsHourly.dim, "link"), eq(clicksDimsHourly.value, linkId)));
    expect(top).toMatchObject({ hour: new Date(hour), clicks: 3, humans: 2, bots: 1 });
    expect(await rollupDiff(s.db, { links: [linkId] })).toEqual({});
  });

  it("drains the inbox (clicks written while Redis was down) through the same routine", async () => {
    const linkId = uid("lnk_");
    const events = [makeClick({ linkId }), makeClick({ linkId, kind: "preview", reason: "preview-fetcher" })];
    await insertInbox(s.db, events);
    const res = await flush();
    expect(res.body).toMatchObject({ ingested: 2, pending: 0 });
    const inbox = await s.db.execute(sql`select count(*)::int as n from click_inbox where id in (${events[0].id}, ${events[1].id})`);
    expect(inbox.rows[0].n).toBe(0);
    const [h] = await s.db.select().from(clicksHourly).where(eq(clicksHourly.linkId, linkId));
    expect(h).toMatchObject({ clicks: 2, humans: 1, previews: 1, uniques: 1 });
  });

  it("stops at the time budget and says the stream is not drained; the next call carries on", async () => {
    const linkId = uid("lnk_");
    await enqueue(s, Array.from({ length: 5 }, () => makeClick({ linkId })));
    // A 1 ms budget is spent by the time the run has set up its consumer group: it reads nothing new.
    const first = await flush({ INGEST_BATCH_SIZE: "2", INGEST_BUDGET_MS: "1" });
    expect(first.body.drained).toBe(false);
    expect(first.body.pending).toBeGreaterThan(0);
    const rest = await flush({ INGEST_BATCH_SIZE: "2" });
    expect(rest.body).toMatchObject({ pending: 0, drained: true });
    expect(Number(first.body.ingested) + Number(rest.body.ingested)).toBe(5);
  });
});

describe("GET /api/v1/ingest/status", () => {
  it("reports what waits, its age, the dead letters and the last run", async () => {
    const linkId = uid("lnk_");
    await enqueue(s, [makeClick({ linkId }), makeClick({ linkId })]);
    await insertInbox(s.db, [makeClick({ linkId })]);
    const get = async () => (await (await call("GET", "/api/v1/ingest/status")).json()) as any;
    const before = await get();
    expect(before.pending).toBe(3);
    expect(before.stream.length).toBe(2);
    expect(before.inbox.rows).toBe(1);
    expect(before.oldestPendingAgeSeconds).toBeGreaterThanOrEqual(0);
    expect(typeof before.deadLetters).toBe("number");

    await flush();
    const after = await get();
    expect(after).toMatchObject({ pending: 0, oldestPendingAgeSeconds: 0, stream: { length: 0, delivered: 0, oldestAt: null } });
    expect(after.lastRun).toMatchObject({ trigger: "flush", ingested: 3, error: null });
    expect(Date.parse(after.lastRun.lastSuccessAt)).toBeGreaterThan(Date.now() - 60_000);
    expect(after.errors).toBeUndefined();
  });
});

describe("the cron", () => {
  it("ingests, then deletes raw clicks past RAW_RETENTION_DAYS; rollups stay", async () => {
    const linkId = uid("lnk_");
    const old = makeClick({ linkId, ts: Date.now() - 100 * 86_400_000 });
    const fresh = makeClick({ linkId });
    await enqueue(s, [old, fresh]);
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ cron: "* * * * *", scheduledTime: Date.now() }), withSettings(), ctx);
    await waitOnExecutionContext(ctx);
    const ids = (await s.db.select({ id: clicks.id }).from(clicks).where(eq(clicks.linkId, linkId))).map((r) => r.id);
    expect(ids).toEqual([fresh.id]);
    const hourly = await s.db.select().from(clicksHourly).where(eq(clicksHourly.linkId, linkId));
    expect(hourly.reduce((n, h) => n + h.clicks, 0)).toBe(2);
  });

  it("deletes in bounded chunks: at most RETENTION_CHUNK_ROWS x RETENTION_MAX_CHUNKS a run", async () => {
    const linkId = uid("lnk_");
    await enqueue(s, Array.from({ length: 5 }, (_, i) => makeClick({ linkId, ts: Date.now() - (200 + i) * 86_400_000 })));
    await flush();
    const settings = { RAW_RETENTION_DAYS: 90, RETENTION_CHUNK_ROWS: 2, RETENTION_MAX_CHUNKS: 2 };
    expect((await runRetention(s.db, s.redis, settings)).clicks).toBe(4);
    while ((await runRetention(s.db, s.redis, settings)).clicks > 0) { /* the rest, chunk by chunk */ }
    const left = await s.db.select({ id: clicks.id }).from(clicks).where(eq(clicks.linkId, linkId));
    expect(left).toEqual([]);
  });

  it("drops visitor-days no late click can need, and keeps those of the oldest waiting click", async () => {
    const linkId = uid("lnk_");
    const day = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);
    await s.db.execute(sql`insert into visitor_days (day, link_id, visitor, first_at) values
      (${day(20)}, ${linkId}, 1, now()), (${day(6)}, ${linkId}, 2, now()), (${day(0)}, ${linkId}, 3, now())`);
    // A click the redirect put in the inbox five days ago is still waiting: its day (and two before) stay.
    const waiting = makeClick({ linkId, ts: Date.now() - 5 * 86_400_000 });
    await s.db.execute(sql`insert into click_inbox (id, event, received_at)
      values (${waiting.id}, ${JSON.stringify(waiting)}::jsonb, now() - interval '5 days')`);
    const settings = { RAW_RETENTION_DAYS: 90, RETENTION_CHUNK_ROWS: 5000, RETENTION_MAX_CHUNKS: 4 };
    await runRetention(s.db, s.redis, settings);
    const kept = async () => (await s.db.execute<{ visitor: string }>(sql`select visitor from visitor_days where link_id = ${linkId} order by visitor`)).rows.map((r) => r.visitor);
    expect(await kept()).toEqual(["2", "3"]);
    await flush();
    await runRetention(s.db, s.redis, settings);
    expect(await kept()).toEqual(["3"]);
  });
});

it("array parameters reach Postgres exactly as sent, whatever the strings hold", async () => {
  const unit = fc.constantFrom("a", "é", "😀", '"', "\\", ",", "{", "}", " ", "\n", "\t", "\u0007", "null", "NULL", "\\n");
  await fc.assert(fc.asyncProperty(fc.array(fc.option(fc.string({ unit }), { nil: null }), { maxLength: 8 }), async (values) => {
    const { rows } = await s.db.execute<{ v: string | null }>(
      sql`select v from unnest(${arrayLiteral(values)}::text[]) with ordinality as t(v, i) order by i`);
    expect(rows.map((r) => r.v)).toEqual(values);
  }), { numRuns: 60 });
});

describe("uniques", () => {
  it("key a visitor hash the way migration 0003 converted the stored ones", async () => {
    const hashes = ["0".repeat(64), "f".repeat(64), `8000000000000000${"a".repeat(48)}`, crypto.randomUUID().replaceAll("-", "").repeat(2)];
    const { rows } = await s.db.execute<{ key: string }>(
      sql`select (('x' || left(h, 16))::bit(64)::bigint)::text as key from unnest(${`{${hashes.join(",")}}`}::text[]) as h`);
    expect(rows.map((r) => r.key)).toEqual(hashes.map(visitorKey));
  });

  it("count a visitor-day once, in the hour of its first human click, also when an earlier click arrives late", async () => {
    const linkId = uid("lnk_");
    const visitor = uid("v").padEnd(64, "0");
    const day = Math.floor(Date.now() / 86_400_000) * 86_400_000 - 86_400_000; // yesterday, 00:00 UTC
    const at = (h: number, m: number) => day + h * 3_600_000 + m * 60_000;
    const hourly = async (id: string) =>
      (await s.db.select({ hour: clicksHourly.hour, clicks: clicksHourly.clicks, uniques: clicksHourly.uniques })
        .from(clicksHourly).where(eq(clicksHourly.linkId, id)).orderBy(clicksHourly.hour))
        .map((r) => [r.hour.getUTCHours(), r.clicks, r.uniques]);

    await enqueue(s, [makeClick({ linkId, visitor, ts: at(10, 30) }), makeClick({ linkId, visitor, ts: at(10, 45) })]);
    await flush();
    expect(await hourly(linkId)).toEqual([[10, 2, 1]]);

    // A bot click earlier that day changes nothing; a human one, ingested late, takes the unique to its hour.
    await enqueue(s, [makeClick({ linkId, visitor, ts: at(8, 0), kind: "bot", reason: "isbot" })]);
    await flush();
    await enqueue(s, [makeClick({ linkId, visitor, ts: at(9, 15) })]);
    await flush();
    expect(await hourly(linkId)).toEqual([[8, 1, 0], [9, 1, 1], [10, 2, 0]]);

    // The next UTC day is a new visitor-day (the visitor hash rotates daily anyway).
    await enqueue(s, [makeClick({ linkId, visitor, ts: day + 86_400_000 + 60_000 })]);
    await flush();
    expect((await hourly(linkId)).reduce((n, [, , u]) => n + u, 0)).toBe(2);
    expect(await rollupDiff(s.db, { links: [linkId] })).toEqual({});
  });
});
