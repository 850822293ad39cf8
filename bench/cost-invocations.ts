/**
 * The invocations whose CPU and subrequests the cost benchmark measures (bench/cost-cpu.ts measures them):
 * redirects (hot, cold from Redis, cold from Postgres, password form and unlock, routed), a link create, a
 * stats call, cron runs (idle, with a click backlog, with a webhook to deliver) and a background import.
 */
import { Redis as IORedis } from "ioredis";
import { redisKeys } from "../functions/shared/redis-keys.ts";
import type { Kind } from "./cost-cpu.ts";
import { ADMIN, PASSWORD, sleep, visit, type Rig } from "./cost-rig.ts";

/** Rows of the background import: past the 10,000 an import answers in its request (functions/imports/jobs.ts). */
const IMPORT_ROWS = 10_500;
const IMPORT_CHUNK_ROWS = 500;

/** Queues `n` synthetic clicks (bench/clicks.ts: skewed links, referrers, places, user agents) on the stream. */
export async function queueClicks(redisUrl: string, n: number): Promise<void> {
  const { makeClicks } = await import("./clicks.ts");
  const redis = new IORedis(redisUrl);
  try {
    const events = makeClicks(n);
    for (let i = 0; i < events.length; i += 5000) {
      const p = redis.pipeline();
      for (const e of events.slice(i, i + 5000)) p.xadd(redisKeys.clickStream, "*", "e", JSON.stringify(e));
      await p.exec();
    }
  } finally {
    redis.disconnect();
  }
}

const expect = (what: string, got: number | string, want: number | string) => {
  if (got !== want) throw new Error(`${what}: got ${got}, expected ${want}`);
};

export function invocationKinds(rig: Rig, o: { n: number; backlog: number; backlogRuns: number; imports: boolean }): Kind[] {
  const { main, nocache } = rig;
  const redirect = (name: string, w = main, path = "/hot", status = 302, n = o.n): Kind => ({
    name, worker: w, n, invoke: async () => expect(name, await visit(w, path), status),
  });
  const cron = async (what: string) => expect(what, await main.scheduled(), "ok");
  // The trigger's own request (bench/lib/worker.ts) is not part of a cron run on Cloudflare: measured, then
  // taken off every cron row.
  let triggerMs = 0;
  const minusTrigger = () => triggerMs;
  const kinds: Kind[] = [
    ...(rig.bare ? [redirect("floor: a bare Hono Worker answering a fixed 302 (the runtime's own share of a request)", rig.bare)] : []),
    {
      name: "floor: the cron trigger's own request (taken off the cron rows)",
      worker: main,
      n: o.n,
      invoke: async () => expect("trigger", await main.scheduled("trigger only"), "noop"),
      measured: (ms) => { triggerMs = ms; },
    },
    redirect("redirect, hot (link in the isolate cache)"),
    redirect("redirect, cold: link from Redis (isolate cache off)", nocache),
    {
      name: "redirect, cold: link from Postgres (in neither cache)",
      worker: nocache,
      n: Math.min(o.n, rig.postgresOnly.length - 1),
      invoke: async (i) => expect("cold from Postgres", await visit(nocache, `/${rig.postgresOnly[i]}`), 302),
    },
    redirect("redirect, routed (10 rules, 2 variants; isolate cache)", main, "/r1"),
    redirect("password link: the form (GET)", main, "/pw", 200),
    {
      name: "password link: unlock (POST, right password: PBKDF2)",
      worker: main,
      n: Math.max(3, Math.ceil(o.n / 3)),
      invoke: async () => expect("unlock", await visit(main, "/pw", {
        method: "POST", body: new URLSearchParams({ password: PASSWORD }), headers: { "content-type": "application/x-www-form-urlencoded" },
      }), 303),
    },
    {
      name: "create a link (POST /api/v1/links)",
      worker: main,
      n: Math.max(3, Math.ceil(o.n / 3)),
      invoke: async (i) => {
        const res = await rig.api(main, "POST", "/api/v1/links", { url: `https://example.com/made/${i}`, slug: `made${i}` });
        expect("create", res.status, 201);
        await res.arrayBuffer();
      },
    },
    {
      name: "stats of a link (GET /api/v1/links/hot/stats)",
      worker: main,
      n: Math.max(3, Math.ceil(o.n / 3)),
      invoke: async () => {
        const res = await rig.api(main, "GET", "/api/v1/links/hot/stats");
        expect("stats", res.status, 200);
        await res.arrayBuffer();
      },
    },
    // The first (unmeasured) run drains whatever the rows before left in the stream.
    { name: "cron run, idle", worker: main, n: Math.max(3, Math.ceil(o.n / 3)), invoke: () => cron("idle cron"), subtractMs: minusTrigger },
    {
      name: `cron run with a backlog of ${o.backlog.toLocaleString("en-US")} clicks`,
      worker: main,
      n: o.backlogRuns,
      settleMs: 30_000,
      subtractMs: minusTrigger,
      before: (i) => queueClicks(rig.stack.redisUrl, i === 0 ? 1000 : o.backlog),
      invoke: () => cron("backlog cron"),
    },
    {
      name: "cron run: 1 click ingested, its \"clicks\" webhook delivered",
      worker: main,
      n: Math.max(1, Math.ceil(o.backlogRuns)),
      subtractMs: minusTrigger,
      before: async (i) => {
        if (i === 0) {
          const res = await rig.api(main, "POST", "/api/v1/webhooks", { url: rig.receiver.url, events: ["clicks"] });
          expect("webhook endpoint", res.status, 201);
          await res.arrayBuffer();
        }
        expect("click to deliver", await visit(main, "/hot"), 302);
      },
      invoke: async () => {
        const had = rig.receiver.received.length;
        await cron("webhook cron");
        await rig.settle(main);
        expect("webhook deliveries", rig.receiver.received.length - had, 1);
      },
    },
  ];
  if (o.imports) {
    kinds.push({
      name: `background import of ${IMPORT_ROWS.toLocaleString("en-US")} rows: the upload request and its waitUntil`,
      worker: main,
      n: 1,
      warmup: 0,
      settleMs: 120_000,
      per: { units: Math.ceil(IMPORT_ROWS / IMPORT_CHUNK_ROWS), label: `chunk of ${IMPORT_CHUNK_ROWS} rows` },
      invoke: async (i) => {
        const lines = ["Long URL,Short code,Title,Tags"];
        for (let j = 0; j < IMPORT_ROWS; j++) lines.push(`https://example.com/imported/${i}/${j},imp${i}-${j},Row ${j},import`);
        const res = await fetch(`${main.url}/api/v1/links/import`, {
          method: "POST",
          headers: { authorization: `Bearer ${ADMIN}`, "content-type": "text/csv" },
          body: lines.join("\n") + "\n",
        });
        expect("import", res.status, 202);
        const { id } = (await res.json()) as { id: string };
        // Progress read from Postgres directly: polling the API would add its own invocations' CPU.
        for (const until = Date.now() + 120_000; Date.now() < until; await sleep(100)) {
          const { rows } = await rig.db.query("select status from import_jobs where id = $1", [id]);
          if (rows[0]?.status === "done") return;
          if (rows[0] && !["receiving", "running"].includes(rows[0].status)) throw new Error(`import ended ${rows[0].status}`);
        }
        throw new Error("import not done after 120 s");
      },
    });
  }
  return kinds;
}
