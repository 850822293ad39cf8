import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "./app-env.ts";
import { createDb } from "./db.ts";
import { parseEnv } from "./env.ts";
import { createRedis } from "./redis.ts";

/**
 * Validates the env and builds this request's services. Postgres is opened lazily: the redirect hot path
 * usually never needs it.
 */
export const services: MiddlewareHandler<AppEnv> = async (c, next) => {
  const config = parseEnv(c.env);
  c.set("config", config);
  c.set("redis", createRedis(config));
  let opened: ReturnType<typeof createDb> | undefined;
  c.set("db", () => (opened ??= createDb(config)).db);
  try {
    await next();
  } finally {
    if (opened) c.executionCtx.waitUntil(opened.pool.end().catch(() => {}));
  }
};
