/**
 * After a request that may have made or re-pointed links: the cron's idle check must learn that a health
 * check is coming due (functions/shared/work-due.ts), or an idle deployment would never open Postgres for
 * it. A new destination is due 5 minutes after the write (links.health_due_at's default); the cron rounds
 * that up to the next full hour, and so does this, so the due time it lowers to is the one the cron would
 * compute. One Redis script a write, nothing when health checks are off.
 */
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../shared/app-env.ts";
import { lowerWorkDue } from "../shared/work-due.ts";

const HOUR = 3_600_000;
/** The delay of links.health_due_at's default (migration 0017_health_due_default.sql). */
const NEW_LINK_DELAY_MS = 5 * 60_000;

/** The first full hour at or after `at` (epoch ms): when the cron wakes Postgres for a check due at `at`. */
export const hourAtOrAfter = (at: number) => Math.ceil(at / HOUR) * HOUR;

export const healthAfterWrite: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next();
  const write = c.req.method === "POST" || c.req.method === "PATCH" || c.req.method === "PUT";
  if (!write || c.res.status >= 300 || c.var.config.HEALTH_CHECK_DAYS === 0) return;
  const redis = c.var.redis;
  c.var.defer("health due", () => lowerWorkDue(redis, hourAtOrAfter(Date.now() + NEW_LINK_DELAY_MS)));
};
