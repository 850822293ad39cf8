/**
 * Webhook retries end to end (webhooks-harness.ts: the deployable bundle on workerd against the test stack,
 * real receivers on loopback ports, the cron as Cloudflare runs it): the same webhook-id until a receiver takes
 * it, timeouts, an endpoint deleted mid-attempt, the in-flight cap, a receiver down for a whole run, and
 * endpoints disabled when gone or failing for too long.
 */
import pg from "pg";
import { describe, expect, it } from "vitest";
import { freePort } from "../../dev/ports.ts";
import {
  api, byType, createWebhook, cronUntil, postLink, receiver, sql, stackBindings, startWebhookWorker, useWebhookStack, worker,
} from "./webhooks-harness.ts";

useWebhookStack();

describe("retries", () => {
  it("sends the same webhook-id four times to a receiver answering 500 three times, then 200", async () => {
    const r = await receiver();
    r.answer = (n) => (n < 3 ? 500 : 200);
    const hook = await createWebhook(r, ["link.created"]);
    const sent = await api("POST", `/api/v1/webhooks/${hook.id}/test`);
    await cronUntil(() => r.received.some((x) => x.answered === 200));
    expect(r.received.map((x) => x.answered)).toEqual([500, 500, 500, 200]);
    expect(new Set(r.received.map((x) => x.id))).toEqual(new Set([sent.body.deliveryId]));
    expect(r.received.every((x) => x.verified)).toBe(true);
    const log = await api("GET", `/api/v1/webhooks/${hook.id}/deliveries`);
    expect(log.body.data[0]).toMatchObject({ id: sent.body.deliveryId, status: "succeeded", attempts: 4, lastStatus: 200 });
    expect((await api("GET", `/api/v1/webhooks/${hook.id}`)).body).toMatchObject({ enabled: true, failingSince: null });
  }, 60_000);

  it("counts no answer within WEBHOOK_TIMEOUT_MS as a failure and retries it", async () => {
    const w = await startWebhookWorker({ WEBHOOK_TIMEOUT_MS: "300" });
    try {
      const r = await receiver();
      r.answer = (n) => (n === 0 ? null : 200);
      const hook = await createWebhook(r, ["link.created"], {}, w.url);
      const sent = await api("POST", `/api/v1/webhooks/${hook.id}/test`, undefined, w.url);
      await cronUntil(() => r.received.some((x) => x.answered === 200), 40, w);
      expect(r.received.map((x) => [x.id, x.answered])).toEqual([[sent.body.deliveryId, 0], [sent.body.deliveryId, 200]]);
      const [d] = (await api("GET", `/api/v1/webhooks/${hook.id}/deliveries`, undefined, w.url)).body.data;
      expect(d).toMatchObject({ status: "succeeded", attempts: 2 });
    } finally {
      await w.dispose();
    }
  }, 60_000);

  it("records an attempt's outcome while the endpoint is being deleted, without a deadlock", async () => {
    // Nothing listens: every attempt fails fast, and its outcome is recorded by the failure path.
    const hook = await createWebhook({ url: `http://127.0.0.1:${await freePort()}/hook` }, ["link.created"]);
    const sent = await api("POST", `/api/v1/webhooks/${hook.id}/test`);
    const attempts = async () => (await sql.query("select attempts from webhook_deliveries where id = $1", [sent.body.deliveryId])).rows[0].attempts;
    await cronUntil(async () => (await attempts()) >= 1);
    const before = await attempts();
    await new Promise((r) => setTimeout(r, 150)); // past the fast retry delay: the next run attempts it

    // What an endpoint's delete does, held open: the endpoint's row first, then its deliveries.
    const deleting = new pg.Client({ connectionString: stackBindings.DIRECT_DATABASE_URL });
    await deleting.connect();
    try {
      await deleting.query("begin");
      await deleting.query("select 1 from webhook_endpoints where id = $1 for update", [hook.id]);
      const run = worker.scheduled();
      for (let i = 0; i < 200 && (await sql.query("select count(*)::int as n from pg_locks where not granted")).rows[0].n === 0; i++) {
        await new Promise((r) => setTimeout(r, 50));
      }
      await deleting.query("update webhook_deliveries set last_error = 'held' where endpoint_id = $1", [hook.id]);
      await deleting.query("commit");
      await run;
    } finally {
      await deleting.end();
    }
    // The run's outcome was recorded after the delete's writes, not rolled back by a deadlock.
    const [d] = (await sql.query("select attempts, last_error from webhook_deliveries where id = $1", [sent.body.deliveryId])).rows;
    expect(d.attempts).toBeGreaterThan(before); // this run's attempt (under load, a run started by an earlier write may add one)
    expect(d.last_error).toBe("unreachable");
  }, 60_000);

  it("keeps at most WEBHOOK_MAX_IN_FLIGHT attempts in flight across overlapping runs", async () => {
    const w = await startWebhookWorker({ WEBHOOK_MAX_IN_FLIGHT: "2", WEBHOOK_TIMEOUT_MS: "3000" });
    try {
      const r = await receiver();
      r.answer = () => null; // every attempt hangs until its timeout: all claimed ones are in flight together
      const hook = await createWebhook(r, ["link.created"], {}, w.url);
      // Six deliveries, each test send starting a run of its own, and two cron runs on top.
      for (let i = 0; i < 6; i++) expect((await api("POST", `/api/v1/webhooks/${hook.id}/test`, undefined, w.url)).status).toBe(202);
      const runs = [w.scheduled(), w.scheduled()];
      for (let i = 0; i < 100 && r.received.length < 2; i++) await new Promise((ok) => setTimeout(ok, 20));
      await new Promise((ok) => setTimeout(ok, 1000)); // well before the first attempt's timeout
      expect(r.received).toHaveLength(2);
      await r.close();
      await Promise.allSettled(runs);
    } finally {
      await w.dispose();
    }
  }, 60_000);

  it("gives a receiver that was down for the whole run everything once it is back", async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/hook`;
    const hook = await createWebhook({ url }, ["link.created", "link.deleted"]);
    const links = [];
    for (let i = 0; i < 5; i++) links.push(await postLink());
    await api("DELETE", `/api/v1/links/${links[0].slug}`);
    for (let i = 0; i < 5; i++) await worker.scheduled();
    const down = await api("GET", `/api/v1/webhooks/${hook.id}/deliveries?status=pending`);
    expect(down.body.data).toHaveLength(6);
    expect(down.body.data.every((d: { attempts: number; lastError: string }) => d.attempts >= 1 && d.lastError === "unreachable")).toBe(true);

    const r = await receiver(port);
    r.secrets.push(hook.secret);
    await cronUntil(() => r.distinct().length >= 6);
    const created = byType(r, "link.created").map((x) => x.verified!.data.slug).sort();
    expect(created).toEqual(links.map((l) => l.slug).sort());
    expect(byType(r, "link.deleted").map((x) => x.verified!.data.slug)).toEqual([links[0].slug]);
  }, 60_000);

  it("disables an endpoint answering 410, and one failing for WEBHOOK_RETRY_FOR_MS", async () => {
    const gone = await receiver();
    gone.answer = () => 410;
    const a = await createWebhook(gone, ["link.created"]);
    await api("POST", `/api/v1/webhooks/${a.id}/test`);
    await cronUntil(async () => (await api("GET", `/api/v1/webhooks/${a.id}`)).body.enabled === false);
    expect((await api("GET", `/api/v1/webhooks/${a.id}`)).body.disabledReason).toBe("gone");
    expect(gone.received).toHaveLength(1);

    const w = await startWebhookWorker({ WEBHOOK_RETRY_FOR_MS: "1500" });
    try {
      const failing = await receiver();
      failing.answer = () => 503;
      const b = await createWebhook(failing, ["link.created"], {}, w.url);
      await api("POST", `/api/v1/webhooks/${b.id}/test`, undefined, w.url);
      await cronUntil(async () => (await api("GET", `/api/v1/webhooks/${b.id}`, undefined, w.url)).body.enabled === false, 60, w);
      expect((await api("GET", `/api/v1/webhooks/${b.id}`, undefined, w.url)).body.disabledReason).toBe("failing");
      const [d] = (await api("GET", `/api/v1/webhooks/${b.id}/deliveries`, undefined, w.url)).body.data;
      expect(d.status).toBe("failed");
      expect(failing.received.length).toBeGreaterThan(1);
    } finally {
      await w.dispose();
    }
  }, 90_000);
});
