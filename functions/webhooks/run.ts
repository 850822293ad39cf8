/**
 * One webhook run: the outbox dispatched into deliveries, then the due deliveries attempted (or published
 * to QStash), at most WEBHOOK_MAX_IN_FLIGHT in flight across all runs, until none is due, WEBHOOK_BUDGET_MS is
 * spent or WEBHOOK_MAX_PER_RUN were made (each is a subrequest: Workers Free allows 50 an invocation). The cron makes one every minute; a link write or an ingest commit starts one right after it
 * commits (in waitUntil), so a receiver hears of a change within seconds. Runs may overlap: each row is
 * taken by one of them (SKIP LOCKED).
 */
import type { Db } from "../../db/client.ts";
import { claimDue, webhookBacklog } from "../../db/queries/webhook-deliveries.ts";
import type { Env } from "../shared/env.ts";
import { publicBaseUrl } from "../shared/public-base-url.ts";
import { attempt, settle } from "./deliver.ts";
import { dispatchAll } from "./dispatch.ts";
import { publish } from "./qstash.ts";
import { qstashLeaseMs, webhookSettings } from "./settings.ts";

export interface WebhookRunResult {
  events: number;
  created: number;
  attempted: number;
  succeeded: number;
}

/**
 * Link.shortUrl in payloads and QStash's callbacks are built from PUBLIC_BASE_URL, never from the Host of the
 * request that started the run (functions/shared/public-base-url.ts). Without it, a run with nothing waiting
 * ends quietly (a deployment without webhooks needs no PUBLIC_BASE_URL); one with work throws the
 * configuration error, and the work waits for the setting.
 */
export async function runWebhooks(db: Db, config: Env): Promise<WebhookRunResult> {
  const s = webhookSettings(config);
  if (!config.PUBLIC_BASE_URL) {
    const waiting = await webhookBacklog(db);
    if (!waiting.outbox && !waiting.due) return { events: 0, created: 0, attempted: 0, succeeded: 0 };
  }
  const base = publicBaseUrl(config);
  const started = Date.now();
  const until = started + s.budgetMs;
  const viaQStash = Boolean(config.QSTASH_TOKEN);
  const { events, deliveries } = await dispatchAll(db, { base, retryForMs: s.retryForMs, until });
  const result: WebhookRunResult = { events, created: deliveries, attempted: 0, succeeded: 0 };
  let claimedInRun = 0;
  while (Date.now() < until && claimedInRun < s.maxPerRun) {
    const n = Math.min(s.maxInFlight, s.maxPerRun - claimedInRun);
    const claimed = viaQStash
      ? await claimDue(db, n, qstashLeaseMs(s), "queued")
      // A lease past the attempt's timeout: a run that dies mid-attempt leaves the delivery due again after it.
      : await claimDue(db, n, s.timeoutMs + 60_000, "sending");
    claimedInRun += claimed.length;
    if (!claimed.length) break;
    await Promise.all(claimed.map(async (c) => {
      try {
        if (viaQStash) {
          const failed = await publish(config, s, base, c);
          if (failed) await settle(db, s, c.delivery, failed);
        } else {
          const outcome = await attempt(config, s, c);
          await settle(db, s, c.delivery, outcome);
          if (outcome.ok) result.succeeded++;
        }
        result.attempted++;
      } catch (e) {
        // Left leased: due again after the lease, counted as an attempt.
        console.error(`webhook delivery ${c.delivery.id} failed:`, e instanceof Error ? e.message : e);
      }
    }));
  }
  return result;
}
