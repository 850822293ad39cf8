/**
 * Group-committed click capture (functions/redirect/click-batch.ts) through the real redirect: concurrent
 * requests of an isolate share one stream entry and one counter bump per link, within the limits; a trickle
 * still writes one-click entries; and every click served is ingested exactly once.
 */
import { sql } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { redisKeys } from "../functions/shared/redis-keys.ts";
import { withDb } from "./helpers/db.ts";
import { forgetClicks } from "./helpers/forget-clicks.ts";
import { withSettings } from "./helpers/env.ts";
import { flush } from "./helpers/ingest.ts";
import { redis } from "./helpers/redis.ts";
import { Fixtures, human, visitor } from "./helpers/redirect.ts";
import { call } from "./helpers/worker.ts";

const f = new Fixtures();
afterEach(async () => {
  await forgetClicks(f.rows.map((r) => r.id));
  await f.cleanup();
});

/** Stream entry ids holding clicks of the link, each with how many of its clicks are of that link. */
async function entriesOf(linkId: string): Promise<Map<string, number>> {
  const m = new Map<string, number>();
  for (const [id] of await f.entries(linkId)) m.set(id, (m.get(id) ?? 0) + 1);
  return m;
}

const rowsOf = (linkId: string) =>
  withDb(async (db) => Number((await db.execute<{ n: string }>(sql`select count(*) as n from clicks where link_id = ${linkId}`)).rows[0].n));

describe("group-committed capture", () => {
  it("200 concurrent requests: every click on the stream once, in a few entries, and nothing else written", async () => {
    const link = await f.link({ url: "https://example.com/hot" });
    const env = withSettings({ CAPTURE_LINGER_MS: "20" });
    await call("GET", `/${link.slug}`, { ...human(), bindings: env }); // lookup and salt cached in the isolate
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, i) => call(i % 4 ? "GET" : "HEAD", `/${link.slug}?n=${i}`, { ...human(), bindings: env })),
    );
    expect(answers.every((r) => r.status === 302)).toBe(true);
    const events = await f.events(link.id);
    expect(events).toHaveLength(201);
    expect(new Set(events.map((e) => e.id)).size).toBe(201);
    expect(new Set(events.map((e) => e.query))).toEqual(new Set([null, ...Array.from({ length: 200 }, (_, i) => `n=${i}`)]));
    const entries = await entriesOf(link.id);
    expect(entries.size).toBeLessThan(20); // without batching: 201 entries
    expect(events.filter((e) => e.kind === "human")).toHaveLength(151); // the 50 HEADs are previews
    expect(await redis.get(redisKeys.clickClaims(link.id))).toBeNull(); // no counter: the stream is the live figure
  });

  it("never puts more than CAPTURE_MAX_CLICKS clicks or CAPTURE_MAX_BYTES bytes in one entry", async () => {
    for (const [settings, maxClicks, maxBytes] of [[{ CAPTURE_MAX_CLICKS: "7" }, 7, 512 * 1024], [{ CAPTURE_MAX_BYTES: "2048" }, 60, 2048]] as const) {
      const link = await f.link({ url: "https://example.com/limits" });
      const env = withSettings({ CAPTURE_LINGER_MS: "30", ...settings });
      await call("GET", `/${link.slug}`, { ...human(), bindings: env });
      await Promise.all(Array.from({ length: 60 }, () => call("GET", `/${link.slug}`, { ...human(), bindings: env })));
      expect(await f.events(link.id)).toHaveLength(61);
      const raw = await redis.xrange(redisKeys.clickStream, "-", "+");
      // The helper client parses the JSON; stringified again it is the entry's text (ASCII, same key order).
      const ours = Object.values(raw).map((v) => JSON.stringify((v as { e: unknown }).e)).filter((e) => e.includes(link.id));
      expect(ours.length).toBeGreaterThanOrEqual(Math.ceil(61 / maxClicks));
      expect(ours.length).toBeLessThan(61); // batched at all
      for (const e of ours) {
        expect(new TextEncoder().encode(e).length).toBeLessThanOrEqual(maxBytes);
        expect(e.startsWith('{"v":2') ? (JSON.parse(e) as { clicks: unknown[] }).clicks.length : 1).toBeLessThanOrEqual(maxClicks);
      }
    }
  });

  it("a trickle (one request at a time) still writes one-click entries, as before batching", async () => {
    const link = await f.link({ url: "https://example.com/trickle" });
    for (let i = 0; i < 3; i++) await call("GET", `/${link.slug}`, human());
    const raw = await redis.xrange(redisKeys.clickStream, "-", "+");
    const ours = Object.values(raw).map((v) => (v as { e: Record<string, unknown> }).e).filter((e) => e?.linkId === link.id);
    expect(ours).toHaveLength(3);
    for (const e of ours) expect(e).not.toHaveProperty("v");
  });

  it("a maxClicks link keeps its atomic claim: 30 concurrent humans on maxClicks 5 get 5 redirects, 5 clicks", async () => {
    const link = await f.link({ url: "https://example.com/once", maxClicks: 5 });
    const env = withSettings({ CAPTURE_LINGER_MS: "20" });
    const answers = await Promise.all(Array.from({ length: 30 }, () => call("GET", `/${link.slug}`, { ...human(), bindings: env })));
    expect(answers.filter((r) => r.status === 302)).toHaveLength(5);
    expect(answers.filter((r) => r.status === 410)).toHaveLength(25);
    expect(await f.events(link.id)).toHaveLength(5);
    expect(Number(await redis.get(redisKeys.clickClaims(link.id)))).toBe(5);
  });

  it("clicks served = clicks ingested, exactly, for batched entries", async () => {
    const link = await f.link({ url: "https://example.com/served" });
    const env = withSettings({ CAPTURE_LINGER_MS: "10", CAPTURE_MAX_CLICKS: "13" });
    const kinds = [human(), visitor({ "user-agent": "Googlebot/2.1 (+http://www.google.com/bot.html)" }), visitor()];
    const answers = await Promise.all(Array.from({ length: 120 }, (_, i) => call("GET", `/${link.slug}`, { ...kinds[i % 3], bindings: env })));
    expect(answers.every((r) => r.status === 302)).toBe(true);
    expect((await flush()).status).toBe(200);
    expect(await rowsOf(link.id)).toBe(120);
    expect(await f.events(link.id)).toHaveLength(0);
  });
});
