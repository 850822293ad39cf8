/**
 * The link health settings of the environment (merged into functions/shared/env.ts; docs/abuse.md, "Link
 * health"). HEALTH_CHECKS_PER_RUN follows PLAN (functions/shared/plan.ts).
 */
import { z } from "zod";

export const healthEnv = {
  /** Days between two checks of a link's destination; 0 turns health checks off. */
  HEALTH_CHECK_DAYS: z.coerce.number().int().min(0).max(365).default(7),
  /** Milliseconds one check may take, every redirect and the first bytes of the body included. */
  HEALTH_CHECK_TIMEOUT_MS: z.coerce.number().int().min(100).max(30_000).default(5_000),
  /**
   * Development only, like WEBHOOK_ALLOW_LOOPBACK. "true": destinations on 127.0.0.1, [::1] and localhost
   * are checked too (`npm run dev`); "only": nothing else is (the test suite: no check leaves the machine).
   * Unset or "false" (production): public hosts only.
   */
  HEALTH_ALLOW_LOOPBACK: z.enum(["true", "false", "only"]).default("false"),
};
