import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import type { Context } from "hono";
import type { AppEnv } from "../shared/app-env.ts";

const Check = z.enum(["ok", "fail"]);
const Health = z
  .object({
    status: z.enum(["ok", "fail"]),
    checks: z.object({ redis: Check, postgres: Check }),
    /** Each failing check as "down"; the driver's own message (hosts, auth failures) only goes to the log. */
    errors: z.record(z.string(), z.literal("down")).optional(),
  })
  .openapi("Health");

export const healthzRoute = createRoute({
  method: "get",
  path: "/healthz",
  tags: ["health"],
  summary: "Liveness of the Worker and its two backing services",
  responses: {
    200: { description: "Redis and Postgres both answered", content: { "application/json": { schema: Health } } },
    503: { description: "A backing service failed or timed out", content: { "application/json": { schema: Health } } },
  },
});

const CHECK_TIMEOUT_MS = 2000;

function withTimeout<T>(p: Promise<T>, what: string): Promise<T> {
  return Promise.race([
    p,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what} did not answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS)),
  ]);
}

/** Pings Redis and Postgres (each within CHECK_TIMEOUT_MS); also the Shlink face's health (functions/api/shlink/health.ts). */
export async function checkBackends(c: Context<AppEnv>) {
  const [redis, postgres] = await Promise.allSettled([
    withTimeout(c.var.redis.ping(), "redis"),
    withTimeout(c.var.db().execute(sql`select 1`), "postgres"),
  ]);
  const checks = { redis: redis.status === "fulfilled" ? "ok" : "fail", postgres: postgres.status === "fulfilled" ? "ok" : "fail" } as const;
  const details: Record<string, string> = {};
  if (redis.status === "rejected") details.redis = String(redis.reason?.message ?? redis.reason);
  if (postgres.status === "rejected") details.postgres = String(postgres.reason?.message ?? postgres.reason);
  return { ok: checks.redis === "ok" && checks.postgres === "ok", checks, details };
}

export function registerHealthz(app: OpenAPIHono<AppEnv>) {
  app.openapi(healthzRoute, async (c) => {
    const { ok, checks, details } = await checkBackends(c);
    c.header("cache-control", "no-store");
    if (ok) return c.json({ status: "ok" as const, checks }, 200);
    console.error("healthz failing:", JSON.stringify(details));
    const errors = Object.fromEntries(Object.keys(details).map((name) => [name, "down" as const]));
    return c.json({ status: "fail" as const, checks, errors }, 503);
  });
}
