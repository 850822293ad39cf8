import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "./app-env.ts";
import { createDb } from "../../db/client.ts";
import { parseEnv, type RawEnv } from "./env.ts";
import { createRedis } from "./redis.ts";

/** What one request gets to work with: the Variables of AppEnv but `principal`. */
export type RequestServices = Pick<AppEnv["Variables"], "config" | "redis" | "db" | "defer">;

/**
 * Validates the env (memoised per isolate; throws EnvError) and makes one request's services: the isolate's
 * shared Redis client (functions/shared/redis.ts says why sharing it is safe) and a Postgres pool opened
 * lazily, per request, since the redirect hot path usually never needs it and its sockets cannot outlive
 * the request.
 *
 * Work deferred with defer() runs after the response: `settle`, called once the response is made, hands
 * ctx.waitUntil what ends the pool only after every deferred task has settled, so such a task may still use
 * db() (the redirect writes clicks to the Postgres inbox that way when Redis is down); ending it right after
 * the response would cut them off.
 */
export function requestServices(
  env: RawEnv,
  ctx: Pick<ExecutionContext, "waitUntil">,
  config = parseEnv(env),
): RequestServices & { settle(): void } {
  let opened: ReturnType<typeof createDb> | undefined;
  const deferred: Promise<void>[] = [];
  return {
    config,
    redis: createRedis(config),
    db: () => (opened ??= createDb(config)).db,
    defer(label, task) {
      deferred.push(
        Promise.resolve()
          .then(task)
          .then(
            () => {},
            (e: unknown) => console.error(`${label} failed:`, e instanceof Error ? e.message : e),
          ),
      );
    },
    settle() {
      ctx.waitUntil(
        (async () => {
          // A task may defer another one: wait until the list stops growing.
          for (let i = 0; i < deferred.length; i++) await deferred[i];
          if (opened) await opened.pool.end().catch(() => {});
        })(),
      );
    },
  };
}

/** The middleware that gives every route of the app its request services (c.var.config, redis, db, defer). */
export const services: MiddlewareHandler<AppEnv> = async (c, next) => {
  const s = requestServices(c.env, c.executionCtx);
  c.set("config", s.config);
  c.set("redis", s.redis);
  c.set("db", s.db);
  c.set("defer", s.defer);
  try {
    await next();
  } finally {
    s.settle();
  }
};
