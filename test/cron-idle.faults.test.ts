/**
 * Clicks that went to the Postgres inbox while Redis was down are not lost to the cron's idle check: the
 * isolate's next batch that reaches Redis makes Postgres work due, and the next cron run drains the inbox.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { control } from "./helpers/control.ts";
import { cronRun, noPostgres, real, settleCron } from "./helpers/cron.ts";
import { forgetClicks } from "./helpers/forget-clicks.ts";
import { Fixtures, human } from "./helpers/redirect.ts";
import { call } from "./helpers/worker.ts";

const f = new Fixtures();
beforeEach(settleCron);
afterEach(async () => {
  await forgetClicks(f.rows.map((r) => r.id));
  await f.cleanup();
});

describe("the idle check after a Redis outage", () => {
  it("opens Postgres for the inbox once a batch reaches Redis again, and the inbox is ingested", async () => {
    const link = await f.link({ url: "https://example.com/inbox-due" });
    expect((await call("GET", `/${link.slug}`, human())).status).toBe(302); // link and salt cached in the isolate
    expect(await cronRun(real())).toBeNull(); // that click ingested: nothing waits
    await control("redis", "stop");
    try {
      expect((await call("GET", `/${link.slug}`, human())).status).toBe(302);
    } finally {
      await control("redis", "start");
    }
    expect(await f.inbox(link.id)).toHaveLength(1);
    expect((await call("GET", `/${link.slug}`, human())).status).toBe(302); // on the stream: says the inbox waits
    expect(await cronRun(noPostgres({ INGEST_DELAY_SECONDS: "3600" }))).not.toBeNull(); // due although the click is fresh
    expect(await cronRun(real())).toBeNull();
    expect(await f.inbox(link.id)).toHaveLength(0);
    expect(await cronRun(noPostgres())).toBeNull(); // idle again
  });
});
