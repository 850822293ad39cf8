/**
 * Retention, run by the cron after ingestion: raw clicks older than RAW_RETENTION_DAYS, and visitor-days no
 * late click can still need, are deleted in chunks of RETENTION_CHUNK_ROWS (a short statement each, so no
 * long locks), one after the other while a chunk comes back full, until RETENTION_BUDGET_MS is spent: a
 * fixed number of chunks a run would cap deletes below what ingestion can add in a day (4 x 5,000 a minute
 * is 28.8 million), and the table would grow for good. Rollups are kept forever.
 */
import type { Redis } from "@upstash/redis/cloudflare";
import type { Db } from "../../db/client.ts";
import { deleteClicksBefore } from "../../db/queries/clicks.ts";
import { deleteVisitorDaysBefore } from "../../db/queries/visitor-days.ts";
import type { Env } from "../shared/env.ts";
import { oldestPending } from "./run-status.ts";

const DAY_MS = 86_400_000;

/**
 * A visitor-day row decides whether a click is its visitor's first of that UTC day. It must outlive every
 * click of that day that is not ingested yet: so rows are kept from two days before the oldest click still
 * waiting (stream or inbox), or before today when nothing waits. A click's time precedes its enqueueing by
 * the redirect's few milliseconds, so a one-day margin would do; two leave room for clock skew.
 */
export const VISITOR_DAYS_MARGIN = 2;

export interface RetentionResult {
  clicks: number;
  visitorDays: number;
}

export type RetentionSettings = Pick<Env, "RAW_RETENTION_DAYS" | "RETENTION_CHUNK_ROWS" | "RETENTION_MAX_CHUNKS">
  & Partial<Pick<Env, "RETENTION_BUDGET_MS">>;

/**
 * Runs `run` (one chunk) again while it deletes a full chunk: until `deadline` when there is one, else at
 * most `chunks` times (RETENTION_MAX_CHUNKS 0 still turns retention off).
 */
async function chunked(chunks: number, deadline: number | null, run: () => Promise<number>, size: number): Promise<number> {
  let total = 0;
  const more = (i: number) => chunks > 0 && (deadline === null ? i < chunks : i === 0 || Date.now() < deadline);
  for (let i = 0; more(i); i++) {
    const n = await run();
    total += n;
    if (n < size) break;
  }
  return total;
}

/** First UTC day whose visitor-days must be kept, as YYYY-MM-DD. */
export function visitorDaysKeepFrom(now: number, oldestPendingMs: number | null): string {
  const base = Math.min(now, oldestPendingMs ?? now);
  return new Date(Math.floor(base / DAY_MS) * DAY_MS - VISITOR_DAYS_MARGIN * DAY_MS).toISOString().slice(0, 10);
}

export async function runRetention(db: Db, redis: Redis, s: RetentionSettings, now = Date.now()): Promise<RetentionResult> {
  const size = s.RETENTION_CHUNK_ROWS;
  const budget = s.RETENTION_BUDGET_MS ?? 0;
  const started = Date.now();
  // Raw clicks may take half the budget, visitor-days the rest: neither backlog starves the other.
  const deadline = (share: number) => (budget ? started + budget * share : null);
  const cutoff = new Date(now - s.RAW_RETENTION_DAYS * DAY_MS);
  const clicks = await chunked(s.RETENTION_MAX_CHUNKS, deadline(0.5), () => deleteClicksBefore(db, cutoff, size), size);

  // Without knowing what still waits (Redis down), keeping visitor-days is the safe choice.
  const oldest = await oldestPending(redis, db).then((t) => ({ t }), () => null);
  let visitorDays = 0;
  if (oldest) {
    const keepFrom = visitorDaysKeepFrom(now, oldest.t);
    visitorDays = await chunked(s.RETENTION_MAX_CHUNKS, deadline(1), () => deleteVisitorDaysBefore(db, keepFrom, size), size);
  }
  return { clicks, visitorDays };
}
