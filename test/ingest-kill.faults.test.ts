/**
 * Workers Free kills an invocation the moment its 10 ms of CPU are spent, wherever it is (issue 26). An ingest
 * run killed at any point, at a chunk boundary or in the middle of a chunk, before or after its commit, must
 * never turn a good click into a dead letter nor count one twice. Runs here work in chunks sized by a small
 * CPU budget (functions/ingest/cpu.ts), several a run, and are killed at each of their checkpoints in turn
 * (test/helpers/kill.ts: after the kill the run sends nothing more, what it sent lands).
 */
import { eq, sql } from "drizzle-orm";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { clicks, clicksHourly } from "../db/schema.ts";
import { MEASURED_CPU } from "../functions/ingest/cpu.ts";
import { runIngest, type Checkpoint, type IngestSettings } from "../functions/ingest/run.ts";
import { redisKeys } from "../functions/shared/redis-keys.ts";
import { makeClick, uid, xadd, xaddBatch } from "./helpers/clicks.ts";
import { flush, ingestClients } from "./helpers/ingest.ts";
import { Killed, killableRun } from "./helpers/kill.ts";
import { rollupDiff } from "./helpers/rollup-oracle.ts";

/**
 * Chunks of at most 4 clicks, and an estimated CPU budget that pays for about two of them a run (the measured
 * model, warm: 1 ms a run, 0.5 ms a chunk, about 0.07 ms a click): a backlog takes several runs. Entries
 * left by a killed run are taken over at once (production waits INGEST_CLAIM_IDLE_MS); INGEST_MAX_DELIVERIES
 * is its default, 5.
 */
const settings: IngestSettings = {
  batchSize: 4, budgetMs: 60_000, claimIdleMs: 0, cpuBudgetMs: 2.5,
  largestEntry: { clicks: 3, bytes: 3 * 600 }, cpu: { ...MEASURED_CPU, coldMs: 0 },
};
const EVERY_POINT: Checkpoint[] = ["chunk", "read", "parsed", "built", "commit", "committed", "acked"];
// Three days ago: out of the "last 24 hours" other files' tests (the dashboard's top links) look at.
const DAYS_AGO = 3 * 86_400_000;

let s: ReturnType<typeof ingestClients>;
beforeEach(() => { s = ingestClients(); });
afterEach(() => s.close());
beforeAll(async () => { expect((await flush({ INGEST_CLAIM_IDLE_MS: "0" })).status).toBe(200); });

const lastDead = async () => {
  const [last] = (await s.redis.exec(["XREVRANGE", redisKeys.deadLetters, "+", "-", "COUNT", 1])) as [string, unknown][];
  return last?.[0] ?? "0-0";
};
const deadSince = async (since: string) =>
  ((await s.redis.exec(["XRANGE", redisKeys.deadLetters, `(${since}`, "+"])) as [string, string[]][]).map(([, f]) => f);
const pending = async () => Number(((await s.redis.exec(["XPENDING", redisKeys.clickStream, redisKeys.clickGroup])) as [number])[0]);

/** Clicks of one link as the capture writes them: one-click entries and a capture batch, two visitors, all kinds. */
async function backlog(linkId: string, n: number): Promise<string[]> {
  const visitors = [uid("v").padEnd(64, "0"), uid("v").padEnd(64, "0")];
  const at = Date.now() - DAYS_AGO;
  const events = Array.from({ length: n }, (_, i) => makeClick({
    linkId, visitor: visitors[i % 2], ts: at + i * 60_000,
    ...(i % 5 === 3 ? { kind: "bot" as const, reason: "isbot" } : i % 7 === 6 ? { kind: "preview" as const, reason: "head" } : {}),
  }));
  await xadd(s.redis, events.slice(0, n - 3));
  await xaddBatch(s.redis, events.slice(n - 3));
  return events.map((e) => e.id);
}

/** A Killed error, or one a client threw because of it (the ORM wraps what the driver throws). */
const killed = (e: unknown): boolean => e instanceof Killed || (e instanceof Error && e.cause !== undefined && killed(e.cause));

/** One run killed at its `at`-th checkpoint: where it died (null when it ended first), and how it ended. */
async function killedRun(at: number | null) {
  const run = killableRun(at);
  try {
    const result = await runIngest({ redis: run.redis, db: run.db, settings, checkpoint: run.checkpoint }).catch((e) => {
      if (!killed(e)) throw e;
      return null;
    });
    return { diedAt: result ? null : run.points.at(-1)!, drained: result?.drained ?? false, points: run.points };
  } finally {
    await run.close();
  }
}

/** Unkilled runs until the stream is drained. */
async function drain() {
  for (let i = 0; i < 30; i++) if ((await killedRun(null)).drained && (await pending()) === 0) return;
  throw new Error("the stream did not drain in 30 runs");
}

/** Every click sent is stored once and counted once in every rollup; nothing is pending or dead. */
async function expectIngestedOnce(linkId: string, sent: string[], deadMark: string) {
  const stored = (await s.db.select({ id: clicks.id }).from(clicks).where(eq(clicks.linkId, linkId))).map((r) => r.id);
  expect(stored.sort()).toEqual([...sent].sort());
  const [hourly] = (await s.db.execute(sql`select coalesce(sum(clicks), 0)::int as n from ${clicksHourly} where link_id = ${linkId}`)).rows;
  expect(hourly.n).toBe(sent.length);
  expect(await rollupDiff(s.db, { links: [linkId] })).toEqual({});
  expect(await deadSince(deadMark)).toEqual([]);
  expect(await pending()).toBe(0);
  expect(Number(await s.redis.exec(["XLEN", redisKeys.clickStream]))).toBe(0);
}

describe("PLAN=free: an ingest run killed at every chunk boundary and in the middle of every chunk", () => {
  it("run after run on one backlog, two killed at each checkpoint in turn: every click ingested once, no dead letter", async () => {
    const linkId = uid("lnk_kill_");
    const deadMark = await lastDead();
    const sent = await backlog(linkId, 23);
    const killedAt = new Set<Checkpoint>();
    let kills = 0;
    // Two runs die at their first checkpoint, two at their second, and so on: the first runs die before doing
    // anything, later ones further on, until runs end before their k-th checkpoint and the backlog drains.
    // What a killed run leaves is taken over by the next, so the same entries meet kill after kill (more
    // than INGEST_MAX_DELIVERIES), nearly all before their commit is sent: counting those would make dead letters.
    sweep: for (let k = 0; k <= 100; k++) {
      for (let twice = 0; twice < 2; twice++) {
        const run = await killedRun(k);
        if (run.diedAt) {
          kills++;
          killedAt.add(run.diedAt);
        } else if (run.drained) {
          break sweep;
        }
      }
    }
    await drain();
    await expectIngestedOnce(linkId, sent, deadMark);
    expect([...killedAt].sort()).toEqual([...EVERY_POINT].sort());
    expect(kills).toBeGreaterThanOrEqual(2 * EVERY_POINT.length);
  }, 180_000);

  it("each checkpoint of a run on a backlog of its own, then runs to the end: every click ingested once", async () => {
    const seen = new Set<Checkpoint>();
    for (let k = 0; ; k++) {
      const linkId = uid("lnk_kill_");
      const deadMark = await lastDead();
      const sent = await backlog(linkId, 9);
      const run = await killedRun(k);
      await drain();
      await expectIngestedOnce(linkId, sent, deadMark);
      if (!run.diedAt) break; // the run ended before its k-th checkpoint: every point of it was tried
      seen.add(run.diedAt);
      if (k > 100) throw new Error("a run never ends");
    }
    expect([...seen].sort()).toEqual([...EVERY_POINT].sort());
  }, 180_000);
});
