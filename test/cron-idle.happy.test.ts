/**
 * The cron's idle check (functions/shared/work-due.ts): with no click waiting and no Postgres work due, a run
 * makes one Upstash command and opens no Postgres connection, so Neon's compute can suspend. Proven with the
 * Postgres of the run's settings pointed at a closed port: any query would fail the run. The same settings
 * fail it as soon as something is waiting, so the test would see a run that opened Postgres.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { redisKeys } from "../functions/shared/redis-keys.ts";
import { lowerWorkDue } from "../functions/shared/work-due.ts";
import { makeClick, xadd } from "./helpers/clicks.ts";
import { cronRun, noPostgres, real, settleCron } from "./helpers/cron.ts";
import { redis } from "./helpers/redis.ts";

/** Calls of each Redis command so far, as redis-server counts them (scripts' own commands included). */
async function commandCalls(): Promise<Map<string, number>> {
  const info = String(await redis.exec(["INFO", "commandstats"]));
  return new Map([...info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)].map((m) => [m[1], Number(m[2])]));
}

beforeEach(settleCron);

describe("an idle cron run", () => {
  it("opens no Postgres connection and reads Redis with one XREAD", async () => {
    const before = await commandCalls();
    expect(await cronRun(noPostgres())).toBeNull();
    const after = await commandCalls();
    expect((after.get("xread") ?? 0) - (before.get("xread") ?? 0)).toBe(1);
    // What a run that did anything would send: the ingest's group reads, its run record, the due time's scripts.
    for (const cmd of ["xreadgroup", "xgroup", "hset", "eval", "evalsha", "xpending"]) {
      expect((after.get(cmd) ?? 0) - (before.get(cmd) ?? 0), cmd).toBe(0);
    }
  });

  it("is not idle while a click waits: it needs Postgres, and ingests it when it has it", async () => {
    const click = makeClick();
    await xadd(redis, [click]);
    expect(await cronRun(noPostgres())).not.toBeNull();
    expect(await cronRun(real())).toBeNull();
    expect(await redis.xlen(redisKeys.clickStream)).toBe(0);
    expect(await cronRun(noPostgres())).toBeNull();
  });

  it("waits for a click younger than INGEST_DELAY_SECONDS without opening Postgres", async () => {
    await xadd(redis, [makeClick()]);
    expect(await cronRun(noPostgres({ INGEST_DELAY_SECONDS: "3600" }))).toBeNull();
    expect(await cronRun(noPostgres())).not.toBeNull(); // no delay: due at once
    expect(await cronRun(real())).toBeNull();
  });

  it("runs when Postgres work is due, then goes back to idle with the next due time Postgres gives", async () => {
    await lowerWorkDue(redis, Date.now() - 1000);
    expect(await cronRun(noPostgres())).not.toBeNull();
    expect(await cronRun(real())).toBeNull();
    expect(await cronRun(noPostgres())).toBeNull();
    // A time still to come is not due yet.
    await lowerWorkDue(redis, Date.now() + 3_600_000);
    expect(await cronRun(noPostgres())).toBeNull();
  });
});
