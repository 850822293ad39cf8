/**
 * Retention keeps up with ingestion: a run deletes chunk after chunk while old raw clicks remain, within
 * RETENTION_BUDGET_MS, instead of a fixed number of chunks (4 x 5,000 a minute capped it at 28.8 million
 * clicks a day, less than a day of busy ingestion, so the table would have grown for good).
 */
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { eq } from "drizzle-orm";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { clicks } from "../db/schema.ts";
import { runRetention } from "../functions/ingest/retention.ts";
import worker from "../workers/index.ts";
import { enqueue, makeClick, uid } from "./helpers/clicks.ts";
import { withSettings } from "./helpers/env.ts";
import { flush, ingestClients } from "./helpers/ingest.ts";

const DAY = 86_400_000;

let s: ReturnType<typeof ingestClients>;
beforeEach(() => { s = ingestClients(); });
afterEach(() => s.close());
beforeAll(async () => { expect((await flush()).status).toBe(200); });

const rowsOf = async (linkId: string) => (await s.db.select({ id: clicks.id }).from(clicks).where(eq(clicks.linkId, linkId))).length;
const oldClicks = (linkId: string, n: number) => Array.from({ length: n }, (_, i) => makeClick({ linkId, ts: Date.now() - (300 + i) * DAY }));

describe("retention", () => {
  it("clears in one run a backlog larger than RETENTION_CHUNK_ROWS x RETENTION_MAX_CHUNKS, within RETENTION_BUDGET_MS", async () => {
    const linkId = uid("lnk_");
    await enqueue(s, [...oldClicks(linkId, 11), makeClick({ linkId })]);
    await flush();
    const settings = { RAW_RETENTION_DAYS: 90, RETENTION_CHUNK_ROWS: 2, RETENTION_MAX_CHUNKS: 2, RETENTION_BUDGET_MS: 10_000 };
    const started = Date.now();
    const run = await runRetention(s.db, s.redis, settings);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(run.clicks).toBeGreaterThanOrEqual(11); // 2 x 2 was the old bound of one run
    expect(await rowsOf(linkId)).toBe(1); // only the fresh click is left
  });

  it("the cron does so at its default budget, whatever RETENTION_MAX_CHUNKS says", async () => {
    const linkId = uid("lnk_");
    await enqueue(s, oldClicks(linkId, 9));
    await flush();
    const ctx = createExecutionContext();
    const env = withSettings({ RETENTION_CHUNK_ROWS: "2", RETENTION_MAX_CHUNKS: "2" });
    await worker.scheduled(createScheduledController({ cron: "* * * * *", scheduledTime: Date.now() }), env, ctx);
    await waitOnExecutionContext(ctx);
    expect(await rowsOf(linkId)).toBe(0);
  });

  it("stops at its time budget and leaves the rest to the next run", async () => {
    const linkId = uid("lnk_");
    await enqueue(s, oldClicks(linkId, 6));
    await flush();
    // A budget spent at once: one chunk (a run always makes one), then it stops.
    const settings = { RAW_RETENTION_DAYS: 90, RETENTION_CHUNK_ROWS: 2, RETENTION_MAX_CHUNKS: 2, RETENTION_BUDGET_MS: 1 };
    expect((await runRetention(s.db, s.redis, settings)).clicks).toBe(2);
    while ((await runRetention(s.db, s.redis, settings)).clicks > 0) { /* the next runs carry on */ }
    expect(await rowsOf(linkId)).toBe(0);
  });
});
