/**
 * The clicks outbox is written by the ingest commit itself: one row per click really inserted, on the
 * one-statement path and on the careful path that a batch with already-stored clicks takes; none while no
 * enabled endpoint wants clicks. Link events come from the trigger on links, in the write's transaction.
 */
import { sql } from "drizzle-orm";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { commitBatch, sqlBatch } from "../functions/ingest/commit.ts";
import { prepare } from "../functions/ingest/run.ts";
import { createLink } from "./helpers/api.ts";
import { makeClick, uid } from "./helpers/clicks.ts";
import { openDb } from "./helpers/db.ts";
import { ADMIN_KEY } from "./helpers/env.ts";
import { createTestWebhook, removeTestWebhooks } from "./helpers/webhooks.ts";
import { call } from "./helpers/worker.ts";

const { db, pool } = openDb();
afterEach(removeTestWebhooks);
afterAll(() => pool.end());

const records = (events: ReturnType<typeof makeClick>[]) => prepare(events.map((e) => ({ from: "t", e }))).records;
const outboxed = async (ids: string[]) =>
  Number((await db.execute<{ n: number }>(sql`select count(*)::int as n from webhook_outbox where click_id = any(${`{${ids.join(",")}}`}::text[])`)).rows[0].n);

describe("the clicks outbox", () => {
  it("holds exactly the clicks a commit inserted, on the fast path and the careful one", async () => {
    await createTestWebhook({ events: ["clicks"], linkIds: null });
    const linkId = uid("lnk_");
    const first = [makeClick({ linkId }), makeClick({ linkId })];
    expect(await commitBatch(db, sqlBatch(records(first)))).toEqual({ inserted: 2 });
    expect(await outboxed(first.map((c) => c.id))).toBe(2);

    // Two stored already, one new: the guard sends it the careful way, which must outbox only the new one.
    const fresh = makeClick({ linkId });
    expect(await commitBatch(db, sqlBatch(records([...first, fresh])))).toEqual({ inserted: 1 });
    expect(await outboxed([fresh.id])).toBe(1);
    expect(await outboxed(first.map((c) => c.id))).toBe(2);
    await db.execute(sql`delete from webhook_outbox where click_id like ${"%"}`);
  });

  it("writes nothing while no enabled endpoint wants clicks", async () => {
    const { id } = await createTestWebhook({ events: ["clicks"] });
    expect((await call("PATCH", `/api/v1/webhooks/${id}`, { body: { enabled: false } })).status).toBe(200);
    const c = makeClick({ linkId: uid("lnk_") });
    expect(await commitBatch(db, sqlBatch(records([c])))).toEqual({ inserted: 1 });
    expect(await outboxed([c.id])).toBe(0);
  });
});

describe("link events", () => {
  it("enter the outbox with the write, one per change, carrying the row", async () => {
    await createTestWebhook({ events: ["link.created", "link.updated", "link.deleted"], linkIds: null });
    const link = await createLink({ url: "https://example.com/outbox" });
    await call("PATCH", `/api/v1/links/${link.slug}`, { body: { title: "t" } });
    await call("DELETE", `/api/v1/links/${link.slug}`);
    // The runs after each write dispatch them into deliveries (the sink refuses them, so they wait to be retried).
    const r = await db.execute<{ type: string }>(sql`
      select type from webhook_deliveries where body like ${`%${link.id}%`} order by created_at`);
    expect(r.rows.map((x) => x.type)).toEqual(["link.created", "link.updated", "link.deleted"]);
    const left = await db.execute<{ n: number }>(sql`select count(*)::int as n from webhook_outbox where link_id = ${link.id}`);
    expect(left.rows[0].n).toBe(0);
  });

  it("are dispatched as promptly for writes through the Shlink face (/rest)", async () => {
    await createTestWebhook({ events: ["link.created", "link.updated", "link.deleted"], linkIds: null });
    const rest = (method: string, path: string, body?: unknown) =>
      call(method, path, { key: null, headers: { "x-api-key": ADMIN_KEY }, body });
    const created = await rest("POST", "/rest/v3/short-urls", { longUrl: "https://example.com/rest-outbox" });
    const { shortCode } = (await created.json()) as { shortCode: string };
    const id = ((await (await call("GET", `/api/v1/links/${shortCode}`)).json()) as { id: string }).id;
    expect((await rest("PATCH", `/rest/v3/short-urls/${shortCode}`, { title: "t" })).status).toBe(200);
    expect((await rest("DELETE", `/rest/v3/short-urls/${shortCode}`)).status).toBe(204);
    const r = await db.execute<{ type: string }>(sql`select type from webhook_deliveries where body like ${`%${id}%`} order by created_at`);
    expect(r.rows.map((x) => x.type)).toEqual(["link.created", "link.updated", "link.deleted"]);
  });

  it("are not written for a refused write", async () => {
    await createTestWebhook({ events: ["link.created"], linkIds: null });
    const taken = await createLink({ url: "https://example.com/taken" });
    const before = await db.execute<{ n: number }>(sql`select count(*)::int as n from webhook_deliveries where type = 'link.created'`);
    expect((await call("POST", "/api/v1/links", { body: { url: "https://example.com/x", slug: taken.slug } })).status).toBe(409);
    const after = await db.execute<{ n: number }>(sql`select count(*)::int as n from webhook_deliveries where type = 'link.created'`);
    expect(after.rows[0].n).toBe(before.rows[0].n);
  });
});
