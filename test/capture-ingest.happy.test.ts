/**
 * The ingest reads both stream entry formats (functions/shared/click-event.ts): one ClickEvent, and a capture
 * batch {"v":2,"clicks":[...]}. A malformed batch is one dead letter; in a batch, each invalid click is a dead
 * letter of its own and the valid ones are ingested.
 */
import { eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { clicks as clicksTable } from "../db/schema.ts";
import { redisKeys } from "../functions/shared/redis-keys.ts";
import { makeClick, uid, xadd, xaddBatch } from "./helpers/clicks.ts";
import { forgetClicks } from "./helpers/forget-clicks.ts";
import { flush, ingestClients } from "./helpers/ingest.ts";

let s: ReturnType<typeof ingestClients>;
beforeEach(() => { s = ingestClients(); });
afterEach(() => s.close());
beforeAll(async () => { expect((await flush()).status).toBe(200); });
const made: string[] = [];
afterAll(() => forgetClicks(made));
const newLink = () => { const id = uid("lnk_"); made.push(id); return id; };

const countFor = async (linkId: string) =>
  (await s.db.select({ id: clicksTable.id }).from(clicksTable).where(eq(clicksTable.linkId, linkId))).length;
const deadLen = async () => Number(await s.redis.exec(["XLEN", redisKeys.deadLetters]));
const lastDead = async (n: number) =>
  ((await s.redis.exec(["XREVRANGE", redisKeys.deadLetters, "+", "-", "COUNT", n])) as [string, string[]][])
    .map(([, f]) => ({ e: f[f.indexOf("e") + 1], reason: f[f.indexOf("reason") + 1], from: f[f.indexOf("from") + 1] }))
    .reverse();

describe("batch entries", () => {
  it("are ingested beside one-click entries, every click once", async () => {
    const linkId = newLink();
    await xadd(s.redis, [makeClick({ linkId })]);
    await xaddBatch(s.redis, Array.from({ length: 40 }, () => makeClick({ linkId })));
    await xadd(s.redis, [makeClick({ linkId })]);
    expect((await flush()).body).toMatchObject({ ingested: 42, deadLettered: 0, pending: 0 });
    expect(await countFor(linkId)).toBe(42);
  });

  it("with some invalid clicks: the valid ones are ingested, each invalid one is a dead letter of its own", async () => {
    const linkId = newLink();
    const before = await deadLen();
    const good = [makeClick({ linkId }), makeClick({ linkId }), makeClick({ linkId })];
    const bad = [makeClick({ linkId, ts: 5 }), { ...makeClick({ linkId }), kind: "robot" }] as typeof good;
    const entry = await xaddBatch(s.redis, [good[0], bad[0], good[1], bad[1], good[2]]);
    expect((await flush()).body).toMatchObject({ ingested: 3, deadLettered: 2, pending: 0 });
    expect(await countFor(linkId)).toBe(3);
    expect(await deadLen()).toBe(before + 2);
    const dead = await lastDead(2);
    expect(dead.map((d) => d.from)).toEqual([entry, entry]);
    expect(dead[0].reason).toMatch(/^ts 5 is out of range/);
    expect(dead[1].reason).toMatch(/^not a ClickEvent: kind/);
    // Each holds its own click only, so a replay puts back that click and not the batch's valid ones.
    expect(dead.map((d) => (JSON.parse(d.e) as { id: string }).id)).toEqual([bad[0].id, bad[1].id]);
  });

  it("that are malformed are one dead letter each, holding the whole entry", async () => {
    const before = await deadLen();
    const linkId = newLink();
    const values = [
      `{"v":2,"clicks":[${JSON.stringify(makeClick({ linkId }))},`, // cut off
      JSON.stringify({ v: 3, clicks: [makeClick({ linkId })] }),
      JSON.stringify({ v: 2, clicks: "none" }),
      JSON.stringify({ v: 2, clicks: [] }),
    ];
    await xadd(s.redis, values);
    expect((await flush()).body).toMatchObject({ ingested: 0, deadLettered: 4, pending: 0 });
    const dead = await lastDead(4);
    expect(dead.map((d) => d.reason)).toEqual([
      "not JSON",
      "unknown click batch version 3",
      "not a click batch: clicks is not a non-empty array",
      "not a click batch: clicks is not a non-empty array",
    ]);
    expect(dead.map((d) => d.e)).toEqual(values);
    expect(await deadLen()).toBe(before + 4);
    expect(await countFor(linkId)).toBe(0);
  });
});
