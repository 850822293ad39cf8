/**
 * PLAN=free: an ingest run stays within what one Workers Free invocation may spend (functions/ingest/budget.ts):
 * a chunk sized by its CPU budget, no more subrequests than INGEST_MAX_SUBREQUESTS; run after run, a backlog
 * larger than one run drains, every click counted once.
 */
import { eq } from "drizzle-orm";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { clicks } from "../db/schema.ts";
import { countConnections, countingRedis } from "../functions/ingest/budget.ts";
import { clicksPerChunk, MEASURED_CPU } from "../functions/ingest/cpu.ts";
import { ingestSettings, runIngest } from "../functions/ingest/run.ts";
import { parseEnv } from "../functions/shared/env.ts";
import { PLAN_DEFAULTS } from "../functions/shared/plan.ts";
import { enqueue, makeClick, uid, UA } from "./helpers/clicks.ts";
import { withSettings } from "./helpers/env.ts";
import { flush, ingestClients } from "./helpers/ingest.ts";
import { rollupDiff } from "./helpers/rollup-oracle.ts";

const free = parseEnv(withSettings({ PLAN: "free" }));

let s: ReturnType<typeof ingestClients>;
beforeEach(() => { s = ingestClients(); });
afterEach(() => s.close());
beforeAll(async () => { expect((await flush({ INGEST_CLAIM_IDLE_MS: "0" })).status).toBe(200); });

describe("PLAN=free", () => {
  it("sets the ingest's budget, subrequests and capture sizes of the free plan", () => {
    expect(free).toMatchObject(PLAN_DEFAULTS.free);
    expect(ingestSettings(free)).toMatchObject({
      cpuBudgetMs: 5, maxSubrequests: 25, largestEntry: { clicks: 20, bytes: 64 * 1024 },
    });
  });

  it("a run ingests a chunk its CPU budget pays for within its subrequests; runs drain the backlog", async () => {
    const linkId = uid("lnk_free_");
    const uas = [UA.chromeWindows, UA.safariIphone, UA.firefoxLinux, UA.googlebot];
    const n = 150;
    await enqueue(s, Array.from({ length: n }, (_, i) => makeClick({
      linkId, ts: Date.now() - 3 * 86_400_000 + i * 1000, ua: uas[i % 4], referrer: "https://www.example.org/a",
      ...(i % 4 === 3 ? { kind: "bot" as const, reason: "isbot" } : {}),
    })));
    // At most what the budget pays for at the smallest record these clicks have (a bit over 300 bytes).
    const most = clicksPerChunk(MEASURED_CPU, free.INGEST_CPU_BUDGET_MS, 300);
    let ingested = 0;
    let runs = 0;
    for (let drained = false; !drained; runs++) {
      const counted = { requests: 0 };
      const stop = countConnections(s.db, counted);
      try {
        const r = await runIngest({ redis: countingRedis(s.redis, counted), db: s.db, settings: { ...ingestSettings(free), claimIdleMs: 0 } });
        expect(r.ingested).toBeLessThanOrEqual(most);
        expect(counted.requests).toBeLessThanOrEqual(free.INGEST_MAX_SUBREQUESTS);
        ingested += r.ingested;
        drained = r.drained;
      } finally {
        stop();
      }
      expect(runs).toBeLessThan(20);
    }
    expect(runs).toBeGreaterThanOrEqual(Math.ceil(n / most));
    expect(ingested).toBe(n);
    expect((await s.db.select({ id: clicks.id }).from(clicks).where(eq(clicks.linkId, linkId))).length).toBe(n);
    expect(await rollupDiff(s.db, { links: [linkId] })).toEqual({});
  });

  it("the flush route runs with the free plan's bounds: a backlog over one run is reported not drained", async () => {
    const linkId = uid("lnk_free_");
    await enqueue(s, Array.from({ length: 120 }, () => makeClick({ linkId, ts: Date.now() - 3 * 86_400_000 })));
    const first = await flush({ PLAN: "free" });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ drained: false });
    expect(Number(first.body.ingested)).toBeGreaterThan(0);
    expect(Number(first.body.ingested)).toBeLessThan(120);
    expect((await flush()).body).toMatchObject({ pending: 0, drained: true });
  });
});
