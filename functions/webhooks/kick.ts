/**
 * A webhook run right after a request that may have written events (a link write, an ingest flush, a test
 * send), in waitUntil: the first attempt follows the commit within moments instead of at the next cron.
 * One cheap query decides whether there is anything to do, so writes cost nothing while no webhooks exist.
 */
import type { Context, MiddlewareHandler } from "hono";
import { webhookBacklog } from "../../db/queries/webhook-deliveries.ts";
import type { AppEnv } from "../shared/app-env.ts";
import { runWebhooks } from "./run.ts";

export function kickWebhooks(c: Context<AppEnv>): void {
  const db = c.var.db;
  const config = c.var.config;
  const origin = new URL(c.req.url).origin;
  c.var.defer("webhooks", async () => {
    const backlog = await webhookBacklog(db());
    if (backlog.outbox || backlog.due) await runWebhooks(db(), config, origin);
  });
}

/** For routes that write links: a run after each successful write. */
export const webhooksAfterWrite: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next();
  if (c.req.method !== "GET" && c.req.method !== "HEAD" && c.res.status < 300) kickWebhooks(c);
};
