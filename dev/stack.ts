/**
 * The local stack that `npm run dev` and `npm test` both start: a private redis-server behind an
 * Upstash-REST bridge, and a private PostgreSQL behind a Neon WebSocket proxy, with migrations applied.
 * Existing servers are used instead when their URLs are given (REDIS_URL / DATABASE_URL, or the TEST_ ones).
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { applyMigrations } from "./migrate.ts";
import { startNeonProxy } from "./neon-proxy.ts";
import { freePort } from "./ports.ts";
import { startPostgres, type PostgresServer } from "./postgres-server.ts";
import { startRedisServer, type RedisServer } from "./redis-server.ts";
import { startUpstashBridge, type UpstashBridge } from "./upstash-bridge.ts";

export interface StackOptions {
  /** Keep data here between runs (dev); omitted: throwaway servers (tests). */
  dataDir?: string;
  /** redis:// of an existing server; its data is not ours, so keys must be prefixed by the user. */
  redisUrl?: string;
  /** postgres:// of an existing database. */
  databaseUrl?: string;
  /** Start a loopback control server that lets tests stop and start the servers this stack owns. */
  control?: boolean;
  log?: (line: string) => void;
}

export interface Stack {
  /** Worker bindings that point at this stack. */
  bindings: {
    UPSTASH_REDIS_REST_URL: string;
    UPSTASH_REDIS_REST_TOKEN: string;
    DATABASE_URL: string;
    NEON_WS_PROXY: string;
  };
  /** Plain connection URLs, for Node-side tools (migrations, benchmarks). */
  redisUrl: string;
  databaseUrl: string;
  /** Base URL of the control server, when asked for. */
  controlUrl?: string;
  redis?: RedisServer;
  postgres?: PostgresServer;
  stop(): Promise<void>;
}


export async function startStack(opts: StackOptions = {}): Promise<Stack> {
  const log = opts.log ?? (() => {});
  const stops: (() => Promise<void>)[] = [];
  // Once, however often it is called (a signal and an exit path may both call it): later callers await the first.
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      for (const s of stops.reverse()) await s().catch((e) => log(`stop failed: ${e}`));
      stops.length = 0;
    })());
  try {
    let redis: RedisServer | undefined;
    let redisUrl = opts.redisUrl;
    if (!redisUrl) {
      // With a control server (tests), a throwaway append-only file lets data survive a stop/start, as it
      // does on Upstash: a fault test can then see what an outage leaves behind in Redis.
      let dir = opts.dataDir && path.join(opts.dataDir, "redis");
      if (!dir && opts.control) {
        const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "eatmyurl-redis-"));
        stops.push(async () => fs.rmSync(tmp, { recursive: true, force: true }));
        dir = tmp;
      }
      redis = await startRedisServer({ dir });
      stops.push(redis.stop);
      redisUrl = redis.url;
      log(`redis-server on ${redisUrl.replace(/:[^:@/]*@/, ":***@")}`);
    }
    // A fresh token every start: the Worker gets it in its bindings, nothing else needs it.
    const bridge = await startUpstashBridge({ redisUrl, token: randomBytes(24).toString("hex") });
    stops.push(bridge.close);
    log(`Upstash REST bridge on ${bridge.url}`);

    let postgres: PostgresServer | undefined;
    let databaseUrl = opts.databaseUrl;
    if (!databaseUrl) {
      postgres = await startPostgres({ dir: opts.dataDir && path.join(opts.dataDir, "postgres"), log });
      stops.push(postgres.destroy);
      databaseUrl = postgres.url;
      log(`PostgreSQL on ${databaseUrl.replace(/:[^:@/]*@/, ":***@")}`);
    }
    const proxy = await startNeonProxy({ allowPorts: [Number(new URL(databaseUrl).port || 5432)] });
    stops.push(proxy.close);
    log(`Neon WebSocket proxy on 127.0.0.1:${proxy.port}`);

    await applyMigrations(databaseUrl);
    log("migrations applied");

    let controlUrl: string | undefined;
    if (opts.control) {
      const ctl = await startControl({ redis, postgres }, bridge);
      stops.push(ctl.close);
      controlUrl = ctl.url;
    }
    return {
      bindings: {
        UPSTASH_REDIS_REST_URL: bridge.url,
        UPSTASH_REDIS_REST_TOKEN: bridge.token,
        DATABASE_URL: databaseUrl,
        NEON_WS_PROXY: proxy.wsProxy,
      },
      redisUrl,
      databaseUrl,
      controlUrl,
      redis,
      postgres,
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}

/**
 * POST /{redis|postgres}/{stop|start}: lets tests running inside workerd (which cannot spawn processes)
 * take a real server down and bring it back. Loopback only, and only for servers this stack started.
 */
async function startControl(servers: { redis?: RedisServer; postgres?: PostgresServer }, bridge: UpstashBridge) {
  const server = http.createServer(async (req, res) => {
    // A web page could POST here without a preflight: a request from a browser (it carries Origin) is refused.
    if (req.headers.origin !== undefined) {
      res.writeHead(403).end();
      return;
    }
    const [, name, action] = (req.url ?? "").split("/");
    const target = servers[name as keyof typeof servers];
    if (req.method !== "POST" || !target || (action !== "stop" && action !== "start")) {
      res.writeHead(404).end();
      return;
    }
    try {
      await target[action]();
      // A started redis-server is answered only once the bridge has reconnected to it: a test's next
      // command must not race the bridge's reconnect, which waits 100 ms between attempts and longer under load.
      if (name === "redis" && action === "start") await bridge.connected(10_000);
      res.writeHead(204).end();
    } catch (e) {
      res.writeHead(500, { "content-type": "text/plain" }).end(String(e));
    }
  });
  const port = await freePort();
  await new Promise<void>((r) => server.listen(port, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

/** Runs `fn` on SIGINT/SIGTERM once, then exits; so Ctrl-C leaves nothing running. */
export function onShutdown(fn: () => Promise<void>) {
  let done = false;
  for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.on(sig, async () => {
      if (done) return;
      done = true;
      await fn();
      process.exit(sig === "SIGINT" ? 130 : 143);
    });
  }
}
