/**
 * The webhook settings of the environment (merged into functions/shared/env.ts). Defaults suit production:
 * attempts retried with doubling, jittered delays for about a day; tests and `npm run dev` shorten them.
 */
import { z } from "zod";

const intVar = (def: number, min = 0, max = Number.MAX_SAFE_INTEGER) => z.coerce.number().int().min(min).max(max).default(def);

export const webhookEnv = {
  /**
   * Development only. "true": also accept http(s)://127.0.0.1 and localhost receivers (`npm run dev`);
   * "only": accept nothing else (the test suite, so no test can make the Worker send outside the machine).
   * Unset or "false" (production, wrangler.toml): only https to public hosts.
   */
  WEBHOOK_ALLOW_LOOPBACK: z.enum(["true", "false", "only"]).default("false"),
  /** Milliseconds one delivery attempt may take before it counts as failed (and is retried). */
  WEBHOOK_TIMEOUT_MS: intVar(10_000, 100, 60_000),
  /** Attempts the Worker makes at the same time, across all its delivery runs (with QStash: publishes per batch). */
  WEBHOOK_MAX_IN_FLIGHT: intVar(10, 1, 100),
  /** Delay before the first retry; each further retry doubles it (with jitter), up to WEBHOOK_RETRY_MAX_MS. */
  WEBHOOK_RETRY_BASE_MS: intVar(10_000, 1),
  WEBHOOK_RETRY_MAX_MS: intVar(3_600_000, 1),
  /** Milliseconds a delivery is retried for, and an endpoint may fail for before it is disabled (about a day). */
  WEBHOOK_RETRY_FOR_MS: intVar(86_400_000, 1),
  /** Wall time one delivery run (the cron's, or one after a write) may spend. */
  WEBHOOK_BUDGET_MS: intVar(20_000, 1),
  /** Retries QStash makes of one publish before its failure callback (the cron then publishes again, freshly signed). */
  WEBHOOK_QSTASH_RETRIES: intVar(3, 0, 20),
  /** QStash's API origin; the default is Upstash's. Tests point it at a local stand-in. */
  QSTASH_URL: z.url({ protocol: /^https?$/ }).optional(),
};

export interface WebhookSettings {
  allowLoopback: Loopback;
  timeoutMs: number;
  maxInFlight: number;
  /** Attempts (or publishes) one run makes at most: each is a subrequest (WEBHOOK_MAX_PER_RUN, by PLAN). */
  maxPerRun: number;
  retryBaseMs: number;
  retryMaxMs: number;
  retryForMs: number;
  budgetMs: number;
  qstashRetries: number;
}

export type Loopback = "true" | "false" | "only";

export function webhookSettings(env: {
  WEBHOOK_ALLOW_LOOPBACK: Loopback; WEBHOOK_TIMEOUT_MS: number; WEBHOOK_MAX_IN_FLIGHT: number;
  WEBHOOK_RETRY_BASE_MS: number; WEBHOOK_RETRY_MAX_MS: number; WEBHOOK_RETRY_FOR_MS: number;
  WEBHOOK_BUDGET_MS: number; WEBHOOK_QSTASH_RETRIES: number; WEBHOOK_MAX_PER_RUN: number;
}): WebhookSettings {
  return {
    allowLoopback: env.WEBHOOK_ALLOW_LOOPBACK,
    timeoutMs: env.WEBHOOK_TIMEOUT_MS,
    maxInFlight: env.WEBHOOK_MAX_IN_FLIGHT,
    maxPerRun: env.WEBHOOK_MAX_PER_RUN,
    retryBaseMs: env.WEBHOOK_RETRY_BASE_MS,
    retryMaxMs: env.WEBHOOK_RETRY_MAX_MS,
    retryForMs: env.WEBHOOK_RETRY_FOR_MS,
    budgetMs: env.WEBHOOK_BUDGET_MS,
    qstashRetries: env.WEBHOOK_QSTASH_RETRIES,
  };
}

/** Delay before retry number `attempts` (1 = after the first failure): doubling, capped, with full jitter over its upper half. */
export function retryDelayMs(s: WebhookSettings, attempts: number, random = Math.random()): number {
  const ceiling = Math.min(s.retryMaxMs, s.retryBaseMs * 2 ** Math.min(attempts - 1, 40));
  return Math.round(ceiling / 2 + (ceiling / 2) * random);
}

/**
 * How long a delivery handed to QStash waits for its callback before it is published again: QStash's own
 * tries (each up to the timeout, `retryDelay` 1 s · 2^n apart) and 10 minutes for the callback to arrive. A
 * second publish has a new deduplication id, so a receiver may see the webhook-id twice (docs/webhooks.md).
 */
export const qstashLeaseMs = (s: WebhookSettings) =>
  (s.qstashRetries + 1) * s.timeoutMs + (2 ** s.qstashRetries - 1) * 1000 + 600_000;
