/**
 * Deliveries through QStash, when QSTASH_TOKEN is set: each is published (publishJSON) to the endpoint with
 * its signed Standard Webhooks headers, QStash's `retries`, our failure callback and a success callback
 * (functions/api/webhooks/qstash-callback.ts, which checks QStash's signature), and deduplication id = the
 * webhook-id (`.r<attempt>` appended when the cron publishes it again after QStash gave up, with fresh
 * headers: a receiver allows only a few minutes of clock skew on webhook-timestamp). QStash's own retries
 * are kept seconds apart for that reason (retryDelay); the day-long backoff is ours, between publishes.
 */
import { Client } from "@upstash/qstash";
import type { ClaimedDelivery } from "../../db/queries/webhook-deliveries.ts";
import type { Env } from "../shared/env.ts";
import { judge, signingSecrets, type Outcome } from "./deliver.ts";
import { destinationProblem } from "./destination.ts";
import type { WebhookSettings } from "./settings.ts";
import { signedHeaders } from "./signing.ts";

/** The callback URL QStash calls for a delivery's `outcome`; the query is covered by its signature. */
export const callbackUrl = (base: string, deliveryId: string, outcome: "success" | "failure") =>
  `${base}/api/v1/webhooks/qstash-callback?delivery=${encodeURIComponent(deliveryId)}&outcome=${outcome}`;

/** Publishes one claimed delivery; an Outcome only when it could not be handed over (judged like a failed attempt). */
export async function publish(config: Env, s: WebhookSettings, base: string, c: ClaimedDelivery): Promise<Outcome | null> {
  const { delivery: d, endpoint: e } = c;
  if (destinationProblem(e.url, s.allowLoopback)) return judge(null);
  const json = JSON.parse(d.body) as unknown;
  // publishJSON sends JSON.stringify of the value: sign exactly those bytes.
  const sent = JSON.stringify(json);
  const headers = await signedHeaders(await signingSecrets(config, e), d.id, sent);
  const client = new Client({ token: config.QSTASH_TOKEN!, ...(config.QSTASH_URL ? { baseUrl: config.QSTASH_URL } : {}), retry: false });
  try {
    await client.publishJSON({
      url: e.url,
      body: json,
      headers: { ...headers, "user-agent": "EatMyURL-Webhooks/1" },
      retries: s.qstashRetries,
      retryDelay: "1000 * pow(2, retried)",
      timeout: Math.max(1, Math.ceil(s.timeoutMs / 1000)),
      callback: callbackUrl(base, d.id, "success"),
      failureCallback: callbackUrl(base, d.id, "failure"),
      deduplicationId: d.attempts > 1 ? `${d.id}.r${d.attempts}` : d.id,
    });
    return null;
  } catch (err) {
    // QStash may judge the destination when it is published: its answer is for the operator's log only.
    console.error(`webhook delivery ${d.id}: QStash publish failed:`, (err as Error)?.message ?? err);
    return judge(null);
  }
}
