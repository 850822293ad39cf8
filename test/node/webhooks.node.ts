/**
 * Webhooks end to end: the deployable bundle on workerd (Miniflare) against the test stack, real HTTP
 * receivers on loopback ports that verify every request with the `standardwebhooks` package, the cron run
 * as Cloudflare runs it, Postgres stopped and started through the stack's control server, and a local
 * stand-in for QStash's publish API. The Worker, the receivers and the calls of the API and the cron are in
 * webhooks-harness.ts; retries, timeouts and disabled endpoints in webhooks-retries.node.ts.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Redis } from "@upstash/redis/cloudflare";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { lowerWorkDue } from "../../functions/shared/work-due.ts";
import { QSTASH_KEYS, signQStash } from "../helpers/qstash.ts";
import { uniqueSlug } from "../helpers/unique.ts";
import {
  api, byType, createWebhook, cronUntil, postLink, receiver, reconnectSql, sql, stackBindings, startWebhookWorker, useWebhookStack, worker,
} from "./webhooks-harness.ts";

useWebhookStack();

describe("webhook events", () => {
  it("delivers every event type, each verifying with the standardwebhooks package", async () => {
    const r = await receiver();
    const hook = await createWebhook(r, ["link.created", "link.updated", "link.deleted", "clicks"]);
    const link = await postLink();
    expect((await api("PATCH", `/api/v1/links/${link.slug}`, { title: "changed" })).status).toBe(200);
    const visit = await fetch(`${worker.url}/${link.slug}?utm_medium=email`, { redirect: "manual", headers: { "user-agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0 Safari/537.36", referer: "https://www.news.example/a" } });
    expect(visit.status).toBe(302);
    await cronUntil(() => byType(r, "clicks").length > 0);
    expect((await api("DELETE", `/api/v1/links/${link.slug}`)).status).toBe(204);
    expect((await api("POST", `/api/v1/webhooks/${hook.id}/test`)).status).toBe(202);
    await cronUntil(() => ["link.created", "link.updated", "link.deleted", "clicks", "ping"].every((t) => byType(r, t).length > 0));

    expect(r.received.every((x) => x.verified), "every request verifies").toBe(true);
    const mine = (t: string) => byType(r, t).filter((x) => x.verified!.data.slug === link.slug);
    expect(mine("link.created")[0].verified!.data).toMatchObject({ id: link.id, slug: link.slug, url: "https://example.com/landing?utm_source=wh", shortUrl: `${worker.url}/${link.slug}` });
    expect(mine("link.updated")[0].verified!.data.title).toBe("changed");
    expect(mine("link.deleted")[0].verified!.data.id).toBe(link.id);
    const [click] = byType(r, "clicks")[0].verified!.data.clicks;
    expect(click).toMatchObject({
      linkId: link.id, slug: link.slug, domain: null, kind: "human", browser: "Chrome", os: "Linux", device: "desktop",
      referrerHost: "news.example", utm: { source: "wh", medium: "email", campaign: null }, destination: "https://example.com/landing?utm_source=wh",
    });
    expect(Object.keys(click)).not.toContain("visitor");
    expect(byType(r, "clicks")[0].body).not.toMatch(/visitor/);
    const ping = byType(r, "ping")[0];
    expect(ping.headers["content-type"]).toBe("application/json");
    expect(ping.verified!.timestamp).toMatch(/^\d{4}-\d\d-\d\dT/);
    // A wrong secret does not verify: the check above is a real one.
    expect(() => new Webhook(`whsec_${Buffer.alloc(24, 1).toString("base64")}`).verify(ping.body, ping.headers)).toThrow();
  }, 120_000);

  it("a click carries its link's domain and the destination routing chose for it", async () => {
    const r = await receiver();
    await createWebhook(r, ["clicks"]);
    const hostname = `${uniqueSlug("d")}.example`.toLowerCase();
    expect((await api("POST", "/api/v1/domains", { hostname })).status).toBe(201);
    const slug = uniqueSlug("wr");
    const created = await api("POST", "/api/v1/links", {
      url: "https://example.com/default", slug, domain: hostname,
      rules: [{ conditions: [{ type: "query-param", matchKey: "via", matchValue: "rule" }], url: "https://example.com/by-rule" }],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const { status } = await worker.dispatch(`https://${hostname}/${slug}?via=rule`, { redirect: "manual" });
    expect(status).toBe(302);
    await cronUntil(() => byType(r, "clicks").some((x) => x.verified!.data.clicks.some((c: { slug: string }) => c.slug === slug)));
    const click = byType(r, "clicks").flatMap((x) => x.verified!.data.clicks).find((c: { slug: string }) => c.slug === slug);
    expect(click).toMatchObject({ linkId: created.body.id, domain: hostname, destination: "https://example.com/by-rule" });
  }, 60_000);

  it("signs with the old and the new secret for a day after a rotation", async () => {
    const r = await receiver();
    const hook = await createWebhook(r, ["link.created"]);
    const old = hook.secret;
    const rotated = await api("POST", `/api/v1/webhooks/${hook.id}/rotate-secret`);
    expect(rotated.status).toBe(200);
    expect(Date.parse(rotated.body.previousSecretValidUntil) - Date.now()).toBeGreaterThan(23.9 * 3600_000);
    r.secrets = [rotated.body.secret];
    await api("POST", `/api/v1/webhooks/${hook.id}/test`);
    await cronUntil(() => r.received.length > 0);
    const x = r.received[0];
    expect(x.headers["webhook-signature"].split(" ")).toHaveLength(2);
    expect(new Webhook(rotated.body.secret).verify(x.body, x.headers)).toBeTruthy();
    expect(new Webhook(old).verify(x.body, x.headers)).toBeTruthy();
    expect((await api("GET", `/api/v1/webhooks/${hook.id}`)).body.previousSecretValidUntil).toBe(rotated.body.previousSecretValidUntil);
    expect(JSON.stringify((await api("GET", "/api/v1/webhooks")).body)).not.toContain("whsec_");
  }, 60_000);
});

describe("clicks events", () => {
  it("1,000 ingested clicks arrive in deliveries of at most 100, summing to exactly 1,000 distinct click ids", async () => {
    const r = await receiver();
    const link = await postLink();
    const other = await postLink();
    await createWebhook(r, ["clicks"], { linkIds: [link.id] });
    for (let i = 0; i < 1000; i += 50) {
      await Promise.all(Array.from({ length: 50 }, () => fetch(`${worker.url}/${link.slug}`, { redirect: "manual" }).then((x) => x.body?.cancel())));
    }
    for (let i = 0; i < 20; i++) await fetch(`${worker.url}/${other.slug}`, { redirect: "manual" }).then((x) => x.body?.cancel());
    const clicks = () => byType(r, "clicks").flatMap((x) => x.verified!.data.clicks as { id: string; linkId: string }[]);
    await cronUntil(() => clicks().length >= 1000, 60);
    await worker.scheduled(); // one more run: nothing further may arrive
    const deliveries = byType(r, "clicks");
    expect(deliveries.every((x) => x.verified!.data.clicks.length <= 100)).toBe(true);
    expect(clicks()).toHaveLength(1000);
    expect(new Set(clicks().map((c) => c.id)).size).toBe(1000);
    expect(clicks().every((c) => c.linkId === link.id)).toBe(true);
    const stored = await sql.query("select count(*)::int as n from clicks where link_id = $1", [link.id]);
    expect(stored.rows[0].n).toBe(1000);
  }, 180_000);
});

/** Postgres work due now, as functions/shared/work-due.ts records it, written through the Upstash bridge. */
async function markWorkDue() {
  const redis = new Redis({ url: stackBindings.UPSTASH_REDIS_REST_URL, token: stackBindings.UPSTASH_REDIS_REST_TOKEN });
  await lowerWorkDue(redis);
}

describe("durability", () => {
  it("loses nothing when Postgres stops between the commit and the delivery", async () => {
    const r = await receiver();
    const hook = await createWebhook(r, ["link.created"]);
    // Committed link writes, their events in the outbox, no delivery run after them yet.
    const slugs = Array.from({ length: 3 }, () => uniqueSlug("whpg"));
    // Durable commits (the test cluster runs with synchronous_commit off; a stop may drop an async one).
    await sql.query("begin");
    await sql.query("set local synchronous_commit = on");
    for (const s of slugs) await sql.query("insert into links (id, slug, url) values ($1, $2, 'https://example.com/pg')", [crypto.randomUUID(), s]);
    await sql.query("commit");
    expect((await sql.query("select count(*)::int as n from webhook_outbox")).rows[0].n).toBe(3);
    // What the write's own webhook run leaves when Postgres is gone before it can start: work due now.
    await markWorkDue();
    sql.on("error", () => {}); // its connection dies with the server
    await control("postgres", "stop");
    try {
      // Cron runs while Postgres is down: they fail (Miniflare reports no rejection; nothing may arrive).
      for (let i = 0; i < 2; i++) await worker.scheduled().catch(() => {});
      expect(r.received).toHaveLength(0);
    } finally {
      await control("postgres", "start");
    }
    await reconnectSql();
    expect((await sql.query("select count(*)::int as n from webhook_outbox")).rows[0].n).toBe(3);
    await cronUntil(() => byType(r, "link.created").length >= 3);
    expect(byType(r, "link.created").map((x) => x.verified!.data.slug).sort()).toEqual([...slugs].sort());
    expect(r.received.every((x) => x.verified)).toBe(true);
    void hook;
  }, 120_000);
});

async function control(service: "postgres", action: "stop" | "start") {
  const res = await fetch(`${stackBindings.CONTROL_URL}/${service}/${action}`, { method: "POST" });
  expect(res.status).toBe(204);
}

describe("through QStash", () => {
  it("publishes each delivery with its signed headers, and QStash's signed failure callback marks it", async () => {
    const published: { path: string; headers: Record<string, string>; body: string }[] = [];
    const standIn = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        published.push({ path: req.url ?? "", headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)])), body: Buffer.concat(chunks).toString() });
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ messageId: `m-${published.length}` }));
      });
    });
    await new Promise<void>((ok) => standIn.listen(0, "127.0.0.1", ok));
    const qstashUrl = `http://127.0.0.1:${(standIn.address() as AddressInfo).port}`;
    const w = await startWebhookWorker({ QSTASH_TOKEN: "qstash-test-token", QSTASH_URL: qstashUrl, ...QSTASH_KEYS });
    try {
      const r = await receiver();
      const hook = await createWebhook(r, ["link.created"], {}, w.url);
      const sent = await api("POST", `/api/v1/webhooks/${hook.id}/test`, undefined, w.url);
      const mine = () => published.filter((x) => x.headers["upstash-forward-webhook-id"] === sent.body.deliveryId);
      await cronUntil(() => mine().length > 0, 20, w);
      expect(published).toHaveLength(1);
      const p = mine()[0];
      expect(p.path).toBe(`/v2/publish/${r.url}`);
      expect(p.headers.authorization).toBe("Bearer qstash-test-token");
      expect(p.headers["upstash-deduplication-id"]).toBe(sent.body.deliveryId);
      expect(p.headers["upstash-retries"]).toBe("3");
      expect(p.headers["upstash-forward-webhook-id"]).toBe(sent.body.deliveryId);
      const failureUrl = p.headers["upstash-failure-callback"];
      expect(failureUrl).toBe(`${w.url}/api/v1/webhooks/qstash-callback?delivery=${sent.body.deliveryId}&outcome=failure`);
      expect(p.headers["upstash-callback"]).toContain("outcome=success");
      // What QStash will forward verifies for the receiver.
      const forwarded = {
        "webhook-id": p.headers["upstash-forward-webhook-id"],
        "webhook-timestamp": p.headers["upstash-forward-webhook-timestamp"],
        "webhook-signature": p.headers["upstash-forward-webhook-signature"],
      };
      expect(new Webhook(hook.secret).verify(p.body, forwarded)).toMatchObject({ type: "ping" });
      expect(r.received).toHaveLength(0); // the Worker itself sent nothing: QStash delivers
      const log = async () => (await api("GET", `/api/v1/webhooks/${hook.id}/deliveries`, undefined, w.url)).body.data[0];
      expect(await log()).toMatchObject({ status: "queued", attempts: 1 });

      // An unsigned or wrongly signed callback changes nothing.
      const report = JSON.stringify({ status: 500, retried: 3, maxRetries: 3, sourceMessageId: "m-1", url: r.url });
      const bad = await fetch(failureUrl, { method: "POST", headers: { "content-type": "application/json", "upstash-signature": await signQStash({ key: "sig_wrong_key_00000000", url: failureUrl, body: report }) }, body: report });
      expect(bad.status).toBe(401);
      expect((await fetch(failureUrl, { method: "POST", headers: { "content-type": "application/json" }, body: report })).status).toBe(401);
      expect(await log()).toMatchObject({ status: "queued", lastError: null });

      const good = await fetch(failureUrl, { method: "POST", headers: { "content-type": "application/json", "upstash-signature": await signQStash({ key: QSTASH_KEYS.QSTASH_CURRENT_SIGNING_KEY, url: failureUrl, body: report }) }, body: report });
      expect(good.status).toBe(200);
      // What the receiver answered stays with QStash: the log says no more than for an attempt of ours.
      expect(await log()).toMatchObject({ status: "pending", lastStatus: null, lastError: "unreachable" });

      // Published again later, freshly signed, under a new deduplication id (the first is spent at QStash).
      await cronUntil(() => mine().length > 1, 20, w);
      expect(mine()[1].headers["upstash-deduplication-id"]).toBe(`${sent.body.deliveryId}.r2`);
      expect(mine()[1].headers["upstash-forward-webhook-timestamp"]).toMatch(/^\d+$/);

      // A hand-over whose callback never comes is published again once QStash's tries and a margin are over.
      expect(await log()).toMatchObject({ status: "queued", attempts: 2 });
      const lease = (await sql.query("select extract(epoch from next_attempt_at - now()) as s from webhook_deliveries where id = $1", [sent.body.deliveryId])).rows[0].s;
      expect(Number(lease)).toBeGreaterThan(600);
      await sql.query("update webhook_deliveries set next_attempt_at = now() - interval '1 second' where id = $1", [sent.body.deliveryId]);
      await markWorkDue(); // the lease's due time, recorded at hand-over, would have come by then
      await cronUntil(() => mine().length > 2, 20, w);
      expect(mine()[2].headers["upstash-deduplication-id"]).toBe(`${sent.body.deliveryId}.r3`);

      // QStash's success callback (signed with the next key: both are accepted) settles it.
      const successUrl = mine()[1].headers["upstash-callback"];
      const ok = JSON.stringify({ status: 200, retried: 0, body: btoa("ok") });
      const done = await fetch(successUrl, { method: "POST", headers: { "content-type": "application/json", "upstash-signature": await signQStash({ key: QSTASH_KEYS.QSTASH_NEXT_SIGNING_KEY, url: successUrl, body: ok }) }, body: ok });
      expect(done.status).toBe(200);
      expect(await log()).toMatchObject({ status: "succeeded", attempts: 3, lastStatus: 200 });
    } finally {
      await w.dispose();
      await new Promise<void>((ok) => { standIn.closeAllConnections(); standIn.close(() => ok()); });
    }
  }, 90_000);
});
