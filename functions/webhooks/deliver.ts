/**
 * Delivery attempts. Without QSTASH_TOKEN the Worker makes them itself (the cron, and a run right after a
 * write): at most WEBHOOK_MAX_IN_FLIGHT at a time, each cut off after WEBHOOK_TIMEOUT_MS, never following
 * a redirect. With it, each is published to QStash (functions/webhooks/qstash.ts) and QStash makes them.
 * Either way the outcome is judged here: 2xx succeeds; 410 disables the endpoint; anything else, and no
 * answer, is retried with jittered doubling delays until the delivery's give-up time (about a day).
 *
 * The delivery log shows a failure only as "unreachable", whatever it was: a refused destination, a name
 * that did not resolve, a refused or reset connection, a TLS failure, a timeout or a non-2xx answer. Told
 * apart, they would let whoever can add an endpoint map ports and services behind any name (one resolving
 * to a private address included) from the log. A receiver's own logs say what it was sent and answered.
 */
import type { Db } from "../../db/client.ts";
import { type ClaimedDelivery, recordFailure, recordSuccess } from "../../db/queries/webhook-deliveries.ts";
import type { WebhookDeliveryRow, WebhookEndpointRow } from "../../db/schema.ts";
import type { Env } from "../shared/env.ts";
import { destinationProblem } from "./destination.ts";
import { retryDelayMs, type WebhookSettings } from "./settings.ts";
import { openSecret, signedHeaders } from "./signing.ts";

/** The secrets that sign for an endpoint now: the current one, and the previous one within 24 h of a rotation. */
export async function signingSecrets(config: Env, e: WebhookEndpointRow, now = Date.now()): Promise<string[]> {
  const out = [await openSecret(config, e.id, e.secret)];
  if (e.previousSecret && e.previousSecretUntil && e.previousSecretUntil.getTime() > now) {
    out.push(await openSecret(config, e.id, e.previousSecret));
  }
  return out;
}

export interface Outcome {
  ok: boolean;
  status: number | null;
  error: string | null;
}

/** What the delivery log says of every failed attempt but a 410. */
const UNREACHABLE = "unreachable";

/**
 * What an answer means (null: none came). Only a success and a 410, which disables the endpoint as `gone`
 * for all to see anyway, keep their status; every other failure is the same "unreachable".
 */
export function judge(status: number | null): Outcome {
  if (status !== null && status >= 200 && status < 300) return { ok: true, status, error: null };
  if (status === 410) return { ok: false, status, error: "gone" };
  return { ok: false, status: null, error: UNREACHABLE };
}

/** Records an outcome (an attempt of ours, or QStash's callback). */
export async function settle(db: Db, s: WebhookSettings, d: WebhookDeliveryRow, o: Outcome): Promise<void> {
  if (o.ok) return recordSuccess(db, d, o.status);
  const { disabled } = await recordFailure(db, d, {
    status: o.status,
    error: o.error ?? UNREACHABLE,
    gone: o.status === 410,
    retryAt: new Date(Date.now() + retryDelayMs(s, Math.max(1, d.attempts))),
    disableAfterMs: s.retryForMs,
  });
  if (disabled) console.error(`webhook endpoint ${d.endpointId} disabled: ${disabled}`);
}

/** One attempt by the Worker itself. */
export async function attempt(config: Env, s: WebhookSettings, { delivery: d, endpoint: e }: ClaimedDelivery): Promise<Outcome> {
  // Stored under an older rule, perhaps: refused now, and logged like any other failure.
  if (destinationProblem(e.url, s.allowLoopback)) return judge(null);
  const headers = await signedHeaders(await signingSecrets(config, e), d.id, d.body);
  try {
    const res = await fetch(e.url, {
      method: "POST",
      headers: { ...headers, "content-type": "application/json", "user-agent": "EatMyURL-Webhooks/1" },
      body: d.body,
      redirect: "manual",
      signal: AbortSignal.timeout(s.timeoutMs),
    });
    await res.body?.cancel().catch(() => {}); // the answer's body means nothing; do not keep the socket busy
    return judge(res.status);
  } catch {
    return judge(null); // no answer in time, or none at all: the same to the log
  }
}
