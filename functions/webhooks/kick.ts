/**
 * A webhook run right after a request that may have written events (a link write, an ingest flush, a test
 * send), in waitUntil: the first attempt follows the commit within moments instead of at the next cron.
 * One cheap query decides whether there is anything to do, so writes cost nothing while no webhooks exist;
 * after a run, the next due time goes where the cron's idle check reads it (functions/shared/work-due.ts).
 */
import type { Context, MiddlewareHandler } from "hono";
import { webhookBacklog } from "../../db/queries/webhook-deliveries.ts";
import type { AppEnv } from "../shared/app-env.ts";
import { lowerWorkDue, noteWorkDue } from "../shared/work-due.ts";
import { runWebhooks } from "./run.ts";

export function kickWebhooks(c: Context<AppEnv>): void {
  const db = c.var.db;
  const config = c.var.config;
  const redis = c.var.redis;
  c.var.defer("webhooks", async () => {
    try {
      const backlog = await webhookBacklog(db());
      if (!backlog.outbox && !backlog.due) return;
      await runWebhooks(db(), config);
    } catch (e) {
      // Committed events this run could not deliver (Postgres gone after the commit): the cron's next run must.
      await lowerWorkDue(redis);
      throw e;
    }
    // Attempts that failed are retried later, by the cron: its idle check must know when.
    await noteWorkDue(redis, db(), config);
  });
}

/** For routes that write links: a run after each successful write. */
export const webhooksAfterWrite: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next();
  if (c.req.method !== "GET" && c.req.method !== "HEAD" && c.res.status < 300) kickWebhooks(c);
};
