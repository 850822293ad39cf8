import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "./app-env.ts";
import { createDb } from "../../db/client.ts";
import { parseEnv } from "./env.ts";
import { createRedis } from "./redis.ts";

/**
 * Validates the env (memoised per isolate) and hands this request its services: the isolate's shared Redis
 * client (functions/shared/redis.ts says why sharing it is safe) and a Postgres pool opened lazily, per
 * request, since the redirect hot path usually never needs it and its sockets cannot outlive the request.
 *
 * Work deferred with c.var.defer() runs after the response (ctx.waitUntil). The pool is ended only once every
 * deferred task has settled, so such a task may still use c.var.db() (the redirect writes clicks to the
 * Postgres inbox that way when Redis is down); ending it right after the response would cut them off.
 */
export const services: MiddlewareHandler<AppEnv> = async (c, next) => {
  const config = parseEnv(c.env);
  c.set("config", config);
  c.set("redis", createRedis(config));
  let opened: ReturnType<typeof createDb> | undefined;
  c.set("db", () => (opened ??= createDb(config)).db);
  const deferred: Promise<void>[] = [];
  c.set("defer", (label, task) => {
    deferred.push(
      Promise.resolve()
        .then(task)
        .then(
          () => {},
          (e: unknown) => console.error(`${label} failed:`, e instanceof Error ? e.message : e),
        ),
    );
  });
  try {
    await next();
  } finally {
    c.executionCtx.waitUntil(
      (async () => {
        // A task may defer another one: wait until the list stops growing.
        for (let i = 0; i < deferred.length; i++) await deferred[i];
        if (opened) await opened.pool.end().catch(() => {});
      })(),
    );
  }
};
