/**
 * Group-committed capture when things fail: Redis stopped while a batch gathers (the real redis-server), a
 * batch whose XADD lands after its timeout, a batch entry delivered twice. Each click served is ingested once.
 */
import { sql } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { control } from "./helpers/control.ts";
import { makeClick, uid, xaddBatch } from "./helpers/clicks.ts";
import { withDb } from "./helpers/db.ts";
import { forgetClicks } from "./helpers/forget-clicks.ts";
import { withSettings } from "./helpers/env.ts";
import { flush, ingestClients } from "./helpers/ingest.ts";
import { insertInbox } from "./helpers/clicks.ts";
import { Fixtures, human } from "./helpers/redirect.ts";
import { call } from "./helpers/worker.ts";

const f = new Fixtures();
afterEach(async () => {
  await forgetClicks(f.rows.map((r) => r.id));
  await f.cleanup();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const rowsOf = (linkId: string) =>
  withDb(async (db) => {
    const r = await db.execute<{ n: string; ids: string }>(sql`select count(*) as n, count(distinct id) as ids from clicks where link_id = ${linkId}`);
    return { rows: Number(r.rows[0].n), ids: Number(r.rows[0].ids) };
  });

describe("Redis outages mid-batch", () => {
  it("a batch that was gathering when Redis stopped goes whole to click_inbox; every click is ingested once", async () => {
    const link = await f.link({ url: "https://example.com/outage" });
    const env = withSettings({ CAPTURE_LINGER_MS: "300" });
    const wave = () => Promise.all(Array.from({ length: 20 }, () => call("GET", `/${link.slug}`, { ...human(), bindings: env })));
    await call("GET", `/${link.slug}`, { ...human(), bindings: env }); // link and salt now cached in the isolate
    await wave(); // stored on the stream
    const gathering = wave();
    await sleep(100); // the 20 clicks wait in the batch, whose send is due in 200 ms
    await control("redis", "stop");
    let answers: Response[];
    try {
      answers = [...(await gathering), ...(await wave())]; // the second wave both gathers and is sent during the outage
    } finally {
      await control("redis", "start");
    }
    expect(answers.every((r) => r.status === 302)).toBe(true);
    await wave(); // after the outage: the stream again
    expect(await f.inbox(link.id)).toHaveLength(40);
    expect(await f.events(link.id)).toHaveLength(41);
    expect((await flush()).status).toBe(200);
    expect(await rowsOf(link.id)).toEqual({ rows: 81, ids: 81 });
    expect(await f.inbox(link.id)).toHaveLength(0);
  });
});

describe("timeouts", () => {
  it("a batch whose XADD landed after its timeout is on the stream and in the inbox, and ingested once", async () => {
    const link = await f.link({ url: "https://example.com/late" });
    const env = withSettings({ CAPTURE_LINGER_MS: "20", REDIS_TIMEOUT_MS: "300" });
    await call("GET", `/${link.slug}`, { ...human(), bindings: env });
    await flush();
    const real = globalThis.fetch;
    // Pipelines reach Redis and are answered, but the answer "arrives" only after the client's timeout.
    globalThis.fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
      const res = await real(input, init);
      if (!String(input instanceof Request ? input.url : input).endsWith("/pipeline")) return res;
      await res.arrayBuffer();
      const signal = init?.signal;
      return new Promise<Response>((_, reject) => {
        if (!signal) return reject(new Error("no timeout signal"));
        if (signal.aborted) return reject(signal.reason);
        signal.addEventListener("abort", () => reject(signal.reason));
      });
    }) as typeof fetch;
    try {
      const answers = await Promise.all(Array.from({ length: 30 }, () => call("GET", `/${link.slug}`, { ...human(), bindings: env })));
      expect(answers.every((r) => r.status === 302)).toBe(true);
    } finally {
      globalThis.fetch = real;
    }
    const [streamed, inboxed] = [await f.events(link.id), await f.inbox(link.id)];
    expect(streamed).toHaveLength(30);
    expect(new Set(inboxed.map((e) => e.id))).toEqual(new Set(streamed.map((e) => e.id)));
    expect((await flush()).status).toBe(200);
    expect(await rowsOf(link.id)).toEqual({ rows: 31, ids: 31 });
  });
});

describe("delivered twice", () => {
  it("the same batch entry twice on the stream, and its clicks in the inbox too: each click counted once", async () => {
    const s = ingestClients();
    try {
      const linkId = uid("lnk_");
      const clicks = Array.from({ length: 25 }, (_, i) => makeClick({ linkId, ts: Date.now() - i * 1000 }));
      await xaddBatch(s.redis, clicks);
      await xaddBatch(s.redis, clicks);
      await insertInbox(s.db, clicks.slice(0, 10));
      expect((await flush({ INGEST_BATCH_SIZE: "1" })).body).toMatchObject({ pending: 0 });
      expect(await rowsOf(linkId)).toEqual({ rows: 25, ids: 25 });
      const hourly = await s.db.execute<{ n: string }>(sql`select coalesce(sum(clicks), 0) as n from clicks_hourly where link_id = ${linkId}`);
      expect(Number(hourly.rows[0].n)).toBe(25);
      await forgetClicks([linkId]);
    } finally {
      await s.close();
    }
  });
});
