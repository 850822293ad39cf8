/**
 * Link health end to end (functions/health/): the deployable bundle on workerd, destinations that are real
 * HTTP servers on loopback ports (HEALTH_ALLOW_LOOPBACK "only", as the whole suite runs), the cron run as
 * Cloudflare runs it. Each test makes its own links due and lets a run take exactly those.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type pg from "pg";
import type { WorkerServer } from "../../dev/worker-server.ts";
import { healthApi, destination, healthOf, healthWorker, makeDue, makeHealthLink, openSql, type HealthDestination } from "./health-harness.ts";
import { startReceiver, type Receiver } from "../helpers/webhook-receiver.ts";
import { uniqueSlug } from "../helpers/unique.ts";
import { createHash } from "node:crypto";
import { Redis } from "@upstash/redis/cloudflare";
import { redisKeys } from "../../functions/shared/redis-keys.ts";
import { probeWork } from "../../functions/shared/work-due.ts";
import { stackBindings } from "./health-harness.ts";

/** Drops the cached verdict of `url`, as its 30 minutes running out would. */
async function forgetVerdict(url: string) {
  const redis = new Redis({ url: stackBindings.UPSTASH_REDIS_REST_URL, token: stackBindings.UPSTASH_REDIS_REST_TOKEN });
  const canonical = new URL(url);
  canonical.hash = ""; // as functions/abuse/safe-browsing.ts keys it
  await redis.del(redisKeys.safeBrowsing(createHash("sha256").update(canonical.href).digest("hex")));
}

let sql: pg.Client;
let dest: HealthDestination;
const workers: WorkerServer[] = [];
const started = async (extra: Record<string, string> = {}) => {
  const w = await healthWorker(extra);
  workers.push(w);
  return w;
};
let w: WorkerServer;

beforeAll(async () => {
  sql = await openSql();
  dest = await destination();
  dest.answer = (p) => {
    const redirect = /^\/r\/(\d+)$/.exec(p);
    if (redirect) return Number(redirect[1]) === 0 ? { status: 200 } : { status: 302, headers: { location: `/r/${Number(redirect[1]) - 1}` } };
    if (p.startsWith("/gone")) return { status: 404 };
    if (p.startsWith("/down")) return { status: 503 };
    if (p.startsWith("/hang")) return null;
    if (p.startsWith("/private")) return { status: 401 };
    return { status: 200 };
  };
  w = await started();
}, 60_000);

afterAll(async () => {
  for (const x of workers) await x.dispose();
  await dest.close();
  await sql.end();
});

const byCount = new Map<number, Promise<WorkerServer>>();
/** One cron run that checks exactly `ids` (made due first: the most overdue of all links). */
async function check(ids: string[]) {
  await makeDue(sql, ids);
  if (!byCount.has(ids.length)) byCount.set(ids.length, started({ HEALTH_CHECKS_PER_RUN: String(ids.length) }));
  await (await byCount.get(ids.length)!).scheduled();
}

describe("a health check", () => {
  it("finds a 404 broken after one check, a 200 ok, and a 401 ok (the page exists); the GET carries the user agent", async () => {
    const [gone, fine, closed] = [await makeHealthLink(w.url, `${dest.origin}/p/gone/${uniqueSlug()}`), await makeHealthLink(w.url, `${dest.origin}/p/fine`), await makeHealthLink(w.url, `${dest.origin}/p/private`)];
    expect(gone.health).toBeNull();
    await check([gone.id, fine.id, closed.id]);
    expect((await healthOf(sql, gone.id)).health).toMatchObject({ status: "broken", httpStatus: 404, reason: "404" });
    expect((await healthOf(sql, fine.id)).health).toMatchObject({ status: "ok", httpStatus: 200 });
    expect((await healthOf(sql, closed.id)).health).toMatchObject({ status: "ok", httpStatus: 401 });
    // The next check is HEALTH_CHECK_DAYS away, and up to a quarter more.
    const due = (await healthOf(sql, fine.id)).health_due_at.getTime() - Date.now();
    expect(due).toBeGreaterThan(7 * 86_400_000 - 60_000);
    expect(due).toBeLessThan(8.75 * 86_400_000 + 60_000);
    expect(dest.agents.at(-1)).toMatch(/^EatMyURL-LinkHealth\/1 \(\+http:\/\/127\.0\.0\.1:\d+\)$/);
    const got = await healthApi(w.url, "GET", `/api/v1/links/${gone.slug}`);
    expect(got.body.health).toMatchObject({ status: "broken", httpStatus: 404, reason: "404" });
    expect(Date.parse(got.body.health.checkedAt)).toBeGreaterThan(Date.now() - 60_000);
  });

  it("finds a 503 broken only after 3 checks in a row, re-checking sooner meanwhile", async () => {
    const link = await makeHealthLink(w.url, `${dest.origin}/p/down`);
    await check([link.id]);
    let h = await healthOf(sql, link.id);
    expect(h.health).toMatchObject({ status: "ok", httpStatus: 503, reason: "5xx", failures: 1 });
    expect(h.health_due_at.getTime() - Date.now()).toBeLessThan(1.2 * 3_600_000); // an hour, not a week
    await check([link.id]);
    h = await healthOf(sql, link.id);
    expect(h.health).toMatchObject({ status: "ok", failures: 2 });
    expect(h.health_due_at.getTime() - Date.now()).toBeLessThan(6.7 * 3_600_000);
    await check([link.id]);
    expect((await healthOf(sql, link.id)).health).toMatchObject({ status: "broken", httpStatus: 503, failures: 3 });
  });

  it("does not find a destination broken because it timed out once", async () => {
    const link = await makeHealthLink(w.url, `${dest.origin}/p/hang`);
    await check([link.id]);
    expect((await healthOf(sql, link.id)).health).toMatchObject({ status: "ok", httpStatus: null, reason: "timeout", failures: 1 });
  });

  it("follows 5 redirects to an answer, and finds a 6th broken", async () => {
    const five = await makeHealthLink(w.url, `${dest.origin}/p/r/5`);
    const six = await makeHealthLink(w.url, `${dest.origin}/p/r/6`);
    const before = dest.hits.length;
    await check([five.id, six.id]);
    expect((await healthOf(sql, five.id)).health).toMatchObject({ status: "ok", httpStatus: 200 });
    expect((await healthOf(sql, six.id)).health).toMatchObject({ status: "broken", reason: "redirects" });
    // 6 fetches for the one that arrived, 6 for the one stopped at its 6th redirect: no 7th.
    expect(dest.hits.length - before).toBe(12);
  });

  it("a run checks at most HEALTH_CHECKS_PER_RUN links", async () => {
    const links = await Promise.all([1, 2, 3, 4, 5].map(() => makeHealthLink(w.url, `${dest.origin}/p/budget/${uniqueSlug()}`)));
    await makeDue(sql, links.map((l) => l.id));
    const two = await started({ HEALTH_CHECKS_PER_RUN: "2" });
    await two.scheduled();
    const checked = (await Promise.all(links.map((l) => healthOf(sql, l.id)))).filter((h) => h.health !== null);
    expect(checked.length).toBe(2);
    expect(dest.hits.filter((p) => p.startsWith("/budget/")).length).toBe(2);
    // The other three out of the way of the next tests' runs.
    await sql.query("update links set health_due_at = now() + interval '7 days' where id = any($1)", [links.map((l) => l.id)]);
  });

  it("sends link.health when the status changes, and only then", async () => {
    const r: Receiver = await startReceiver();
    try {
      const hook = await healthApi(w.url, "POST", "/api/v1/webhooks", { url: r.url, events: ["link.health"] });
      expect(hook.status).toBe(201);
      r.secrets.push(hook.body.secret);
      const path = `/flaky/${uniqueSlug()}`;
      let status = 404;
      const answer = dest.answer;
      dest.answer = (p) => (p === path ? { status } : answer(p));
      const link = await makeHealthLink(w.url, `${dest.origin}${path}`);
      const fine = await makeHealthLink(w.url, `${dest.origin}/p/fine`);
      await check([link.id, fine.id]); // broken: an event; the other's first ok: none
      await check([link.id]); // still broken: none
      status = 200;
      await check([link.id]); // ok again: an event
      for (let i = 0; i < 10 && r.distinct().length < 2; i++) await w.scheduled();
      const events = r.distinct().filter((x) => x.verified!.type === "link.health");
      expect(events.map((x) => [x.verified!.data.slug, x.verified!.data.health.status])).toEqual([[link.slug, "broken"], [link.slug, "ok"]]);
      expect(events[0].verified!.data.health).toMatchObject({ httpStatus: 404, reason: "404" });
      // A check's write is no link.updated either: nothing else arrived.
      expect(r.received.filter((x) => x.verified?.type !== "link.health")).toEqual([]);
      await healthApi(w.url, "DELETE", `/api/v1/webhooks/${hook.body.id}`);
    } finally {
      await r.close();
    }
  });

  it("a new URL clears the health and makes the link due again", async () => {
    const link = await makeHealthLink(w.url, `${dest.origin}/p/gone/x`);
    await check([link.id]);
    expect((await healthOf(sql, link.id)).health?.status).toBe("broken");
    expect((await healthApi(w.url, "PATCH", `/api/v1/links/${link.slug}`, { title: "same url" })).body.health.status).toBe("broken");
    const patched = await healthApi(w.url, "PATCH", `/api/v1/links/${link.slug}`, { url: `${dest.origin}/p/fine` });
    expect(patched.body.health).toBeNull();
    const due = (await healthOf(sql, link.id)).health_due_at.getTime() - Date.now();
    expect(due).toBeGreaterThan(3 * 60_000);
    expect(due).toBeLessThan(6 * 60_000);
  });
});

describe("Safe Browsing in the health run", () => {
  it("marks a destination flagged after the link was made unsafe, with a warning for visitors", async () => {
    const link = await makeHealthLink(w.url, `${dest.origin}/p/fine/${uniqueSlug()}`);
    // Flagged only now, as a site turns bad after links to it were made (the write's own lookup found it safe).
    // The verdict cache holds "safe" for 30 minutes, so a flag is seen once that entry is gone: drop it here.
    const url = (await healthApi(w.url, "GET", `/api/v1/links/${link.slug}`)).body.url as string;
    const control = stackBindings.SAFE_BROWSING_CONTROL_URL;
    const flagged = await fetch(`${control}/flags`, { method: "POST", body: JSON.stringify({ url, behaviour: "SOCIAL_ENGINEERING" }) });
    expect(flagged.status).toBe(204);
    await forgetVerdict(url);
    await check([link.id]);
    expect((await healthOf(sql, link.id)).health).toMatchObject({ status: "unsafe", reason: "safe-browsing:SOCIAL_ENGINEERING" });
    const got = await healthApi(w.url, "GET", `/api/v1/links/${link.slug}`);
    expect(got.body.warning).toBe("Google Safe Browsing: SOCIAL_ENGINEERING");
  });
});

describe("GET /api/v1/links?health=", () => {
  it("lists the links of that health, unchecked ones as unchecked, and only what a restricted key sees", async () => {
    const tag = uniqueSlug("h");
    const gone = await makeHealthLink(w.url, `${dest.origin}/p/gone/${tag}`, { tags: [tag] });
    const fine = await makeHealthLink(w.url, `${dest.origin}/p/fine`, { tags: [tag] });
    const fresh = await makeHealthLink(w.url, `${dest.origin}/p/fine`, { tags: [tag] });
    await check([gone.id, fine.id]);
    const slugs = async (health: string, key?: string) =>
      (await healthApi(w.url, "GET", `/api/v1/links?tag=${tag}&health=${health}`, undefined, key)).body.data.map((l: { slug: string }) => l.slug);
    expect(await slugs("broken")).toEqual([gone.slug]);
    expect(await slugs("ok")).toEqual([fine.slug]);
    expect(await slugs("unchecked")).toEqual([fresh.slug]);
    expect(await slugs("unsafe")).toEqual([]);
    expect((await healthApi(w.url, "GET", "/api/v1/links?health=sick")).status).toBe(400);

    const minted = await healthApi(w.url, "POST", "/api/v1/keys", { name: uniqueSlug("own"), scopes: ["links:read", "links:write"], ownLinksOnly: true });
    expect(minted.status, JSON.stringify(minted.body)).toBe(201);
    const own = await healthApi(w.url, "POST", "/api/v1/links", { url: `${dest.origin}/p/gone/own`, tags: [tag] }, minted.body.key);
    await check([own.body.id]);
    expect(await slugs("broken", minted.body.key)).toEqual([own.body.slug]);
  });
});

describe("an idle deployment", () => {
  it("with links not yet due opens no Postgres session", async () => {
    await makeHealthLink(w.url, `${dest.origin}/p/fine`); // due in 5 minutes: the idle check wakes Postgres at the full hour
    const noPostgres = await started({ DATABASE_URL: "postgres://nobody:nothing@127.0.0.1:9/none" });
    // Links other files left due are taken too (their destinations are not loopback ones: refused, never fetched).
    const settle = await started({ HEALTH_CHECKS_PER_RUN: "1000" });
    let idle = false;
    for (let i = 0; i < 10 && !idle; i++) {
      await settle.scheduled().catch(() => {});
      idle = await noPostgres.scheduled().then(() => true, () => false);
    }
    expect(idle, "a cron run without Postgres succeeded: it never opened it").toBe(true);
    expect(await noPostgres.scheduled().then(() => true, (e) => String(e))).toBe(true);
    // And the due time the idle check reads is ahead (the link's check at the next full hour), not now: the
    // runs until then stay free. (Not min(health_due_at) over all links: other files' links fall due meanwhile.)
    const redis = new Redis({ url: stackBindings.UPSTASH_REDIS_REST_URL, token: stackBindings.UPSTASH_REDIS_REST_TOKEN });
    const { due } = await probeWork(redis);
    expect(due, "Postgres work is due at some time").not.toBeNull();
    expect(due!.at).toBeGreaterThan(Date.now());
  });
});
