/**
 * Webhooks end to end: the deployable bundle on workerd (Miniflare) against the test stack, real HTTP
 * receivers on loopback ports that verify every request with the `standardwebhooks` package, the cron run
 * as Cloudflare runs it, Postgres stopped and started through the stack's control server, and a local
 * stand-in for QStash's publish API.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import pg from "pg";
import { Webhook } from "standardwebhooks";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../dev/ports.ts";
import { bundleIn, serveWorker, type WorkerServer } from "../../dev/worker-server.ts";
import { QSTASH_KEYS, signQStash } from "../helpers/qstash.ts";
import { uniqueSlug } from "../helpers/unique.ts";
import { startReceiver, type Receiver } from "../helpers/webhook-receiver.ts";

const raw = process.env.EATMYURL_TEST_BINDINGS;
const bundleDir = process.env.EATMYURL_BUNDLE_DIR;
if (!raw || !bundleDir) throw new Error("Run with `npm test -- test/node/webhooks.node.ts`: it builds the bundle and starts the stack.");
const stackBindings = JSON.parse(raw) as Record<string, string>;
const ADMIN = stackBindings.ADMIN_API_KEY;
const root = path.resolve(import.meta.dirname, "../..");

/** Fast retries so a day of backoff fits in a test; everything else as in production. */
const FAST = { WEBHOOK_RETRY_BASE_MS: "20", WEBHOOK_RETRY_MAX_MS: "100", WEBHOOK_TIMEOUT_MS: "3000", WEBHOOK_BUDGET_MS: "10000" };

let worker: WorkerServer;
let sql: pg.Client;
const receivers: Receiver[] = [];

function startWorker(extra: Record<string, string> = {}) {
  const { CONTROL_URL: _c, DIRECT_DATABASE_URL: _d, DIRECT_REDIS_URL: _r, ...bindings } = stackBindings;
  return serveWorker({
    bundle: bundleIn(bundleDir!),
    assets: path.join(root, "public"),
    bindings: (url) => ({ ...bindings, ...FAST, PUBLIC_BASE_URL: url, ...extra }),
  });
}

beforeAll(async () => {
  worker = await startWorker();
  sql = new pg.Client({ connectionString: stackBindings.DIRECT_DATABASE_URL });
  await sql.connect();
}, 60_000);

afterEach(async () => {
  // Endpoints of one test must not receive the next test's events.
  await sql.query("delete from webhook_endpoints");
  await sql.query("delete from webhook_outbox");
  while (receivers.length) await receivers.pop()!.close();
});

afterAll(async () => {
  await sql?.end();
  await worker?.dispose();
});

async function api(method: string, p: string, body?: unknown, base = worker.url) {
  const res = await fetch(`${base}${p}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

async function receiver(port?: number) {
  const r = await startReceiver(port);
  receivers.push(r);
  return r;
}

async function createWebhook(r: { url: string; secrets?: string[] }, events: string[], extra: object = {}, base?: string) {
  const res = await api("POST", "/api/v1/webhooks", { url: r.url, events, ...extra }, base);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  expect(res.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/); // 24 random bytes
  r.secrets?.push(res.body.secret);
  return res.body as { id: string; secret: string };
}

/** Runs the cron until `done` holds (each run: ingest, webhooks), failing after `runs`. */
async function cronUntil(done: () => boolean | Promise<boolean>, runs = 40, w = worker) {
  for (let i = 0; i < runs; i++) {
    if (await done()) return;
    await w.scheduled().catch(() => {}); // a run may fail (Postgres stopped): the next one resumes
    await new Promise((r) => setTimeout(r, 120));
  }
  expect(await done(), "condition not reached after the cron runs").toBe(true);
}

async function createLink(slug = uniqueSlug("wh")) {
  const res = await api("POST", "/api/v1/links", { url: "https://example.com/landing?utm_source=wh", slug });
  expect(res.status).toBe(201);
  return res.body as { id: string; slug: string };
}

const byType = (r: Receiver, type: string) => r.distinct().filter((x) => x.verified!.type === type);

describe("webhook events", () => {
  it("delivers every event type, each verifying with the standardwebhooks package", async () => {
    const r = await receiver();
    const hook = await createWebhook(r, ["link.created", "link.updated", "link.deleted", "clicks"]);
    const link = await createLink();
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
    const w = await startWorker({ WEBHOOK_TIMEOUT_MS: "300" });
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
    expect(d.attempts).toBe(before + 1);
    expect(d.last_error).toMatch(/request failed|no answer/);
  }, 60_000);

  it("keeps at most WEBHOOK_MAX_IN_FLIGHT attempts in flight across overlapping runs", async () => {
    const w = await startWorker({ WEBHOOK_MAX_IN_FLIGHT: "2", WEBHOOK_TIMEOUT_MS: "3000" });
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
    for (let i = 0; i < 5; i++) links.push(await createLink());
    await api("DELETE", `/api/v1/links/${links[0].slug}`);
    for (let i = 0; i < 5; i++) await worker.scheduled();
    const down = await api("GET", `/api/v1/webhooks/${hook.id}/deliveries?status=pending`);
    expect(down.body.data).toHaveLength(6);
    expect(down.body.data.every((d: { attempts: number; lastError: string }) => d.attempts >= 1 && /request failed|no answer/.test(d.lastError))).toBe(true);

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

    const w = await startWorker({ WEBHOOK_RETRY_FOR_MS: "1500" });
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

describe("clicks events", () => {
  it("1,000 ingested clicks arrive in deliveries of at most 100, summing to exactly 1,000 distinct click ids", async () => {
    const r = await receiver();
    const link = await createLink();
    const other = await createLink();
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
    sql.on("error", () => {}); // its connection dies with the server
    await control("postgres", "stop");
    try {
      // Cron runs while Postgres is down: they fail (Miniflare reports no rejection; nothing may arrive).
      for (let i = 0; i < 2; i++) await worker.scheduled().catch(() => {});
      expect(r.received).toHaveLength(0);
    } finally {
      await control("postgres", "start");
    }
    await sql.end().catch(() => {});
    sql = new pg.Client({ connectionString: stackBindings.DIRECT_DATABASE_URL });
    await sql.connect();
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
    const w = await startWorker({ QSTASH_TOKEN: "qstash-test-token", QSTASH_URL: qstashUrl, ...QSTASH_KEYS });
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
      expect(await log()).toMatchObject({ status: "pending", lastStatus: 500, lastError: "QStash gave up after 4 tries: HTTP 500" });

      // Published again later, freshly signed, under a new deduplication id (the first is spent at QStash).
      await cronUntil(() => mine().length > 1, 20, w);
      expect(mine()[1].headers["upstash-deduplication-id"]).toBe(`${sent.body.deliveryId}.r2`);
      expect(mine()[1].headers["upstash-forward-webhook-timestamp"]).toMatch(/^\d+$/);

      // A hand-over whose callback never comes is published again once QStash's tries and a margin are over.
      expect(await log()).toMatchObject({ status: "queued", attempts: 2 });
      const lease = (await sql.query("select extract(epoch from next_attempt_at - now()) as s from webhook_deliveries where id = $1", [sent.body.deliveryId])).rows[0].s;
      expect(Number(lease)).toBeGreaterThan(600);
      await sql.query("update webhook_deliveries set next_attempt_at = now() - interval '1 second' where id = $1", [sent.body.deliveryId]);
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
