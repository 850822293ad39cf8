/**
 * From a check's outcome and the link's last health to its new health and the time of its next check. A
 * destination is judged as a person would judgeHealth it: a 404 or 410 is broken at once; a failure that may pass
 * (no connection, a 5xx, a timeout) only after several checks in a row that failed, re-checked sooner
 * meanwhile (after an hour, then six); a timeout alone never makes a link broken.
 */
import type { StoredHealth } from "../../db/schema.ts";
import type { CheckOutcome } from "./check.ts";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Consecutive failing checks after which each kind of failure makes the link broken. */
export const BROKEN_AFTER = { unreachable: 2, "server-error": 3, timeout: 3 } as const;
/** Delay before the next check after the 1st, 2nd, ... failing check while the link is not broken (yet). */
const RETRY_AFTER_MS = [HOUR, 6 * HOUR];

/**
 * The next regular check: HEALTH_CHECK_DAYS from now, plus up to a quarter of that again at random, so links
 * checked together (made together, imported together) drift apart instead of coming due in the same run.
 */
export const regularDelayMs = (days: number, random = Math.random()) => Math.round(days * DAY * (1 + random / 4));

export interface Verdict {
  /** The link's health after this check; null: still never checked (a private host, never fetched). */
  health: StoredHealth | null;
  /** Milliseconds from now to the next check. */
  dueInMs: number;
}

export function judgeHealth(prev: StoredHealth | null, outcome: CheckOutcome, now: Date, days: number, random = Math.random()): Verdict {
  const checkedAt = now.toISOString();
  const regular = regularDelayMs(days, random);
  const base = { httpStatus: outcome.httpStatus, checkedAt };
  switch (outcome.kind) {
    case "ok":
      return { health: { status: "ok", ...base, reason: null, failures: 0 }, dueInMs: regular };
    case "gone":
      return { health: { status: "broken", ...base, reason: String(outcome.httpStatus), failures: 0 }, dueInMs: regular };
    case "redirects":
      return { health: { status: "broken", ...base, reason: "redirects", failures: 0 }, dueInMs: regular };
    case "private-host":
      // Never fetched: nothing was learnt about the destination, so its status stays what it was.
      return { health: prev && { ...prev, checkedAt, reason: "private-host" }, dueInMs: regular };
    default: {
      const failures = (prev?.failures ?? 0) + 1;
      const broken = failures >= BROKEN_AFTER[outcome.kind];
      const reason = outcome.kind === "unreachable" ? outcome.reason : outcome.kind === "timeout" ? "timeout" : "5xx";
      // Until then the link keeps its status: ok for one never found broken.
      const status = broken ? "broken" : prev?.status ?? "ok";
      const soon = RETRY_AFTER_MS[failures - 1];
      const dueInMs = broken || soon === undefined ? regular : Math.min(regular, Math.round(soon * (1 + random / 10)));
      return { health: { status, ...base, reason, failures }, dueInMs };
    }
  }
}
