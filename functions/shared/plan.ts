/**
 * PLAN: the Cloudflare Workers plan a deployment runs on, and the defaults that follow from it. Workers Free
 * gives an invocation (a request, a cron run) 10 ms of CPU time and 50 subrequests; Workers Paid 30 s of CPU
 * by default and 10,000 subrequests. Every setting below can still be set on its own; PLAN only picks what an
 * unset one is. Where each figure comes from: docs/ingest.md ("Workers Free"), docs/security.md (passwords).
 */
import { z } from "zod";

export const PLANS = ["free", "paid"] as const;
export type Plan = (typeof PLANS)[number];

export interface PlanDefaults {
  /** Estimated CPU milliseconds one ingest run may spend on its JavaScript work (functions/ingest/cpu.ts). */
  INGEST_CPU_BUDGET_MS: number;
  /** Redis requests and Postgres connections one ingest run may make. */
  INGEST_MAX_SUBREQUESTS: number;
  /** Capture batches: the largest entry the capture writes must fit one ingest chunk of the plan. */
  CAPTURE_MAX_CLICKS: number;
  CAPTURE_MAX_BYTES: number;
  /** PBKDF2 iterations of a new password hash (functions/shared/password.ts). */
  PASSWORD_ITERATIONS: number;
  /** Webhook attempts (or QStash publishes) one delivery run makes at most: each is a subrequest. */
  WEBHOOK_MAX_PER_RUN: number;
  /** Links whose destination one cron run checks at most: each check is up to 6 subrequests (5 redirects). */
  HEALTH_CHECKS_PER_RUN: number;
}

export const PLAN_DEFAULTS: Record<Plan, PlanDefaults> = {
  free: {
    // Half the 10 ms: the other half is the margin for the rest of the invocation (the cron's webhooks,
    // retention, the fold; the flush route's own work) and for the model's error (docs/ingest.md).
    INGEST_CPU_BUDGET_MS: 5,
    // Of the 50: the run itself, its status write, at most 4 Postgres connections of the invocation's pool,
    // the webhooks' WEBHOOK_MAX_PER_RUN and retention's few requests, with room to spare.
    INGEST_MAX_SUBREQUESTS: 25,
    // An entry of 20 clicks and 64 KiB is estimated at 3.2 ms of ingest work: it fits one run's budget.
    CAPTURE_MAX_CLICKS: 20,
    CAPTURE_MAX_BYTES: 64 * 1024,
    // One hash at 12,000 took 1.65 to 1.76 ms (median), 2.0 ms at most, in workerd here (bench/cpu.ts pbkdf2):
    // an unlock that also rehashes stays within 40 % of the 10 ms, the rest of the request beside it.
    PASSWORD_ITERATIONS: 12_000,
    WEBHOOK_MAX_PER_RUN: 8,
    // 2 checks are at most 12 subrequests: with the ingest's 25, the webhooks' 8, the idle check and the due
    // time's write, a run stays under the 50 (docs/abuse.md, "Link health").
    HEALTH_CHECKS_PER_RUN: 2,
  },
  paid: {
    // Under the 30 s a cron invocation gets by default, with the rest of the cron beside it (wrangler.toml).
    INGEST_CPU_BUDGET_MS: 15_000,
    INGEST_MAX_SUBREQUESTS: 1_000,
    CAPTURE_MAX_CLICKS: 200,
    CAPTURE_MAX_BYTES: 512 * 1024,
    // workerd refuses PBKDF2 above 100,000 iterations.
    PASSWORD_ITERATIONS: 100_000,
    WEBHOOK_MAX_PER_RUN: 1_000,
    // At most 300 fetches, each within HEALTH_CHECK_TIMEOUT_MS, made 10 at a time: well inside a cron run.
    HEALTH_CHECKS_PER_RUN: 50,
  },
};

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max).optional();

/** The plan and its settings as the environment gives them: unset ones are filled by withPlanDefaults. */
export const planEnv = {
  /** "free" or "paid" (Workers Free or Paid). */
  PLAN: z.enum(PLANS).default("paid"),
  INGEST_CPU_BUDGET_MS: int(1, 300_000),
  INGEST_MAX_SUBREQUESTS: int(5, 10_000),
  CAPTURE_MAX_CLICKS: int(1, 5000),
  PASSWORD_ITERATIONS: int(1000, 100_000),
  WEBHOOK_MAX_PER_RUN: int(1, 10_000),
  HEALTH_CHECKS_PER_RUN: int(1, 1_000),
};

type Given = { PLAN: Plan } & { [K in keyof PlanDefaults]?: number | undefined };

/** The environment with every plan-dependent setting filled: as given, else the plan's default. */
export function withPlanDefaults<E extends Given>(env: E): Omit<E, keyof PlanDefaults> & PlanDefaults {
  const d = PLAN_DEFAULTS[env.PLAN];
  return {
    ...env,
    INGEST_CPU_BUDGET_MS: env.INGEST_CPU_BUDGET_MS ?? d.INGEST_CPU_BUDGET_MS,
    INGEST_MAX_SUBREQUESTS: env.INGEST_MAX_SUBREQUESTS ?? d.INGEST_MAX_SUBREQUESTS,
    CAPTURE_MAX_CLICKS: env.CAPTURE_MAX_CLICKS ?? d.CAPTURE_MAX_CLICKS,
    CAPTURE_MAX_BYTES: env.CAPTURE_MAX_BYTES ?? d.CAPTURE_MAX_BYTES,
    PASSWORD_ITERATIONS: env.PASSWORD_ITERATIONS ?? d.PASSWORD_ITERATIONS,
    WEBHOOK_MAX_PER_RUN: env.WEBHOOK_MAX_PER_RUN ?? d.WEBHOOK_MAX_PER_RUN,
    HEALTH_CHECKS_PER_RUN: env.HEALTH_CHECKS_PER_RUN ?? d.HEALTH_CHECKS_PER_RUN,
  };
}
