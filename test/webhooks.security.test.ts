/**
 * What webhooks send to third parties is never built from a request's Host: payloads' short URLs and QStash's
 * callback URLs come from PUBLIC_BASE_URL, and without it the routes that lead to deliveries answer a
 * configuration problem naming it, while a run started by any request sends nothing.
 */
import { sql } from "drizzle-orm";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { openDb } from "./helpers/db.ts";
import { createTestWebhook, removeTestWebhooks, sendTestPing } from "./helpers/webhooks.ts";
import { BASE, call } from "./helpers/worker.ts";

const { db, pool } = openDb();
afterEach(removeTestWebhooks);
afterAll(() => pool.end());

const unset = { PUBLIC_BASE_URL: undefined };

async function namesPublicBaseUrl(res: Response) {
  expect(res.status).toBe(500);
  expect(res.headers.get("content-type")).toBe("application/problem+json");
  const p = (await res.json()) as { type: string; errors: { path: string; message: string }[] };
  expect(p.type).toMatch(/configuration$/);
  expect(p.errors[0]).toMatchObject({ path: "PUBLIC_BASE_URL", message: expect.stringMatching(/is not set/) });
}

describe("without PUBLIC_BASE_URL", () => {
  it("adding an endpoint, a test send and a retry answer a configuration problem naming it, and add nothing", async () => {
    const before = Number((await db.execute<{ n: number }>(sql`select count(*)::int as n from webhook_endpoints`)).rows[0].n);
    await namesPublicBaseUrl(await call("POST", "/api/v1/webhooks", { body: { url: "http://127.0.0.1:9/hook", events: ["clicks"] }, settings: unset }));
    expect(Number((await db.execute<{ n: number }>(sql`select count(*)::int as n from webhook_endpoints`)).rows[0].n)).toBe(before);

    const { id } = await createTestWebhook();
    const deliveryId = await sendTestPing(id);
    await namesPublicBaseUrl(await call("POST", `/api/v1/webhooks/${id}/test`, { settings: unset }));
    await namesPublicBaseUrl(await call("POST", `/api/v1/webhooks/${id}/deliveries/${deliveryId}/retry`, { settings: unset }));
    const n = await db.execute<{ n: number }>(sql`select count(*)::int as n from webhook_deliveries where endpoint_id = ${id}`);
    expect(n.rows[0].n).toBe(1);
  });

  it("a link write on a forged Host puts that Host in no payload and no QStash callback", async () => {
    const { id } = await createTestWebhook({ events: ["link.created"], linkIds: null });
    // QStash at a port nothing listens on: a publish, had one been made, fails on this machine.
    const settings = { ...unset, QSTASH_TOKEN: "qstash-test-token", QSTASH_URL: "http://127.0.0.1:9" };
    const res = await call("POST", "https://forged.example/api/v1/links", { body: { url: "https://example.com/forged-host" }, settings });
    expect(res.status).toBe(201);
    const link = (await res.json()) as { id: string; slug: string };
    const deliveries = () => db.execute<{ body: string; attempts: number }>(
      sql`select body, attempts from webhook_deliveries where endpoint_id = ${id} and body like ${`%${link.id}%`}`);
    // The run the write started made nothing: its event waits in the outbox for a run that has the setting.
    expect((await deliveries()).rows).toEqual([]);
    const waiting = await db.execute<{ n: number }>(sql`select count(*)::int as n from webhook_outbox where link_id = ${link.id}`);
    expect(waiting.rows[0].n).toBe(1);

    await sendTestPing(id); // a run with PUBLIC_BASE_URL set
    const [d] = (await deliveries()).rows;
    expect(JSON.parse(d.body).data.shortUrl).toBe(`${BASE}/${link.slug}`);
    expect(d.body).not.toContain("forged.example");
  });
});
