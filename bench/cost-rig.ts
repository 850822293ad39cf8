/**
 * What the cost benchmark (bench/cost.ts) runs against: the throwaway stack in this process (so its counters
 * are read directly), the deployable bundle on workerd in several processes (each its own isolate), a webhook
 * receiver, and the links the cases visit. Also the wait for an invocation's deferred work to end, so each
 * invocation's counts and CPU are its own.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { proxyStats } from "../dev/neon-proxy.ts";
import { startStack, type Stack } from "../dev/stack.ts";
import { bridgeStats } from "../dev/upstash-meter.ts";
import { startReceiver, type Receiver } from "../test/helpers/webhook-receiver.ts";
import { insertRoutedLink, ROUTED_RULES, ROUTED_VARIANTS } from "./lib/routed-link.ts";
import { usageMeter, type UsageMeter } from "./lib/meter.ts";
import { buildBundle, serveBundle, type Served } from "./lib/worker.ts";

export const ADMIN = "bench-admin-key-0123456789abcdef";
export const PASSWORD = "correct horse battery";
/** A browser's user agent: the click is a human's, as most are (a bot's skips the humans counter). */
export const CLICK_UA = "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0";

export interface Rig {
  stack: Stack;
  db: pg.Client;
  meter: UsageMeter;
  /** The Worker with the cron trigger: every per-invocation row but the cold ones runs on it. */
  main: Served;
  /** More isolates of the same configuration, for the trickle from several isolates. */
  isolates: Served[];
  /** The isolate cache off (LINK_CACHE_SECONDS=0): every redirect reads Redis, or Postgres for a new link. */
  nocache: Served;
  /** A bare Hono Worker answering a fixed 302 (bench/bare): what any request costs the runtime; when asked for. */
  bare?: Served;
  receiver: Receiver;
  /** Links in Postgres only (never visited): a cold redirect from Postgres each. */
  postgresOnly: string[];
  /** Waits until `w` has no deferred work left (CPU and every counter still), at most `maxMs`. */
  settle(w: Served, maxMs?: number): Promise<void>;
  api(w: Served, method: string, path: string, body?: unknown): Promise<Response>;
  dispose(): Promise<void>;
}

export async function startRig(opts: { isolates: number; postgresOnly: number; bare: boolean; log: (l: string) => void }): Promise<Rig> {
  const served: Served[] = [];
  let stack: Stack | undefined;
  let db: pg.Client | undefined;
  let receiver: Receiver | undefined;
  let meter: UsageMeter | undefined;
  const dispose = async () => {
    for (const s of served) await s.dispose().catch(() => {});
    await receiver?.close();
    await meter?.close();
    await db?.end().catch(() => {});
    await stack?.stop();
  };
  try {
    stack = await startStack({ log: (l) => opts.log(`[stack] ${l}`) });
    const bundle = buildBundle();
    receiver = await startReceiver();
    const r = receiver;
    meter = usageMeter(stack.redisUrl, () => r.received.length);
    db = new pg.Client({ connectionString: stack.databaseUrl });
    db.on("error", (e) => opts.log(`bench postgres client: ${e.message}`));
    await db.connect();
    const postgresOnly = Array.from({ length: opts.postgresOnly }, (_, i) => `p${i}`);
    await db.query(`insert into links (id, slug, url) select 'cost-' || s, s, 'https://example.com/landing/' || s from unnest($1::text[]) s`, [
      ["hot", ...postgresOnly],
    ]);
    await db.query(insertRoutedLink("r1"), ["cost-routed", JSON.stringify(ROUTED_RULES), JSON.stringify(ROUTED_VARIANTS)]);
    // Production's settings (wrangler.toml [vars]) but for what a local run needs: loopback webhook receivers.
    const bindings = {
      ...stack.bindings, ADMIN_API_KEY: ADMIN, PUBLIC_BASE_URL: "http://sho.rt", WEBHOOK_ALLOW_LOOPBACK: "true",
      SESSION_SECRET: randomBytes(32).toString("base64url"), // seals webhook secrets
    };
    const serve = async (extra: Record<string, string>, cron = false) => {
      const s = await serveBundle(bundle, { ...bindings, ...extra }, { cron });
      served.push(s);
      return s;
    };
    const main = await serve({}, true);
    const isolates = [main];
    for (let i = 1; i < opts.isolates; i++) isolates.push(await serve({}));
    const nocache = await serve({ LINK_CACHE_SECONDS: "0" });
    let bare: Served | undefined;
    if (opts.bare) served.push((bare = await serveBundle(buildBundle("bench/bare/wrangler.toml"), {})));

    const quietFor = async (w: Served, maxMs: number) => {
      const state = () => [bridgeStats.requests, proxyStats.sessions, proxyStats.statements, r.received.length];
      const deadline = Date.now() + maxMs;
      let before = state();
      let cpu = w.cpuNs();
      await sleep(10); // past the capture's 5 ms linger
      for (let still = 0; still < 2 && Date.now() < deadline; ) {
        await sleep(10);
        const now = state();
        const c = w.cpuNs();
        // Still: no counter moved, and under 0.1 ms of CPU in 10 ms (the runtime's own timers tick now and then).
        still = now.every((x, i) => x === before[i]) && c - cpu < 100_000 ? still + 1 : 0;
        before = now;
        cpu = c;
      }
    };
    const rig: Rig = {
      stack, db, meter, main, isolates, nocache, bare, receiver: r, postgresOnly,
      settle: (w, maxMs = 5000) => quietFor(w, maxMs),
      api: (w, method, path, body) => fetch(`${w.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${ADMIN}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
      dispose,
    };
    const pw = await rig.api(main, "POST", "/api/v1/links", { url: "https://example.com/secret", slug: "pw", password: PASSWORD });
    if (pw.status !== 201) throw new Error(`creating the password link: ${pw.status} ${await pw.text()}`);
    await rig.settle(main);
    // The hot link into Redis, through an isolate the trickle does not use: the trickle's isolates then find it
    // there (their first lookup each), as a link created through the API would be.
    if ((await visit(nocache, "/hot")) !== 302) throw new Error("the hot link does not redirect");
    await rig.settle(nocache);
    // One cron run ingests that click, and the setup's own work, so the idle hour starts idle.
    if ((await main.scheduled()) !== "ok") throw new Error(`the first cron run failed:\n${main.log().slice(-20).join("\n")}`);
    await rig.settle(main);
    return rig;
  } catch (e) {
    await dispose();
    throw e;
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One GET as a browser sends it; resolves with the status once the body is read. */
export async function visit(w: Served, path: string, init: RequestInit = {}): Promise<number> {
  const res = await fetch(`${w.url}${path}`, { redirect: "manual", ...init, headers: { "user-agent": CLICK_UA, ...init.headers } });
  await res.arrayBuffer();
  return res.status;
}
