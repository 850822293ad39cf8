/**
 * When the Postgres work the cron does besides ingestion is next due, read from the tables that hold it, so
 * an idle deployment's cron can leave Postgres alone (functions/cron/work-due.ts keeps the answer in Redis):
 * webhook deliveries and their leases, outbox rows not yet dispatched, import jobs (chunks to run, uploads
 * that never finished, old reports), clicks left in the inbox, the fold of sealed days, retention, and link
 * health checks. The daily kinds are rounded up to the next UTC midnight, so an idle deployment with old data
 * wakes Postgres at most once a day for them; health checks up to the next full hour, so checks coming due
 * one after another wake it at most once an hour (and a backlog is worked off run after run). Every part is
 * an index lookup.
 */
import { sql } from "drizzle-orm";
import type { Db } from "../client.ts";
import { SEAL_LAG_DAYS } from "./dim-blocks.ts";

/** Days after its UTC day a visitor-day row can go (functions/ingest/retention.ts keeps two days before today). */
const VISITOR_DAY_DAYS = 3;

/** Epoch ms at which some Postgres work is next due (now or earlier: due already), or null when none is. */
export async function nextWorkDue(db: Db, rawRetentionDays: number, healthCheckDays: number): Promise<number | null> {
  const midnightAfter = (t: ReturnType<typeof sql>) => sql`date_trunc('day', ${t}, 'UTC') + interval '1 day'`;
  // The first full hour at or after the most overdue link's due time (links_health_due_idx); 0 days: never.
  const health = healthCheckDays > 0
    ? sql`(select date_trunc('hour', coalesce(health_due_at, now()) - interval '1 microsecond') + interval '1 hour'
         from links order by health_due_at asc nulls first limit 1)`
    : sql`null`;
  const { rows } = await db.execute<{ due: string | null }>(sql`
    select (extract(epoch from least(
      (select min(next_attempt_at) from webhook_deliveries where status in ('pending', 'sending', 'queued')),
      (select now() from webhook_outbox limit 1),
      (select now() from click_inbox limit 1),
      (select min(coalesce(lease_until, now())) from import_jobs where status = 'running'),
      (select min(created_at) + interval '1 hour' from import_jobs where status = 'receiving'),
      ${midnightAfter(sql`(select min(updated_at) + interval '30 days' from import_jobs where status in ('done', 'failed'))`)},
      (select (min(start) + ${1 + SEAL_LAG_DAYS}::int)::timestamp at time zone 'UTC'
         from link_totals where days = 1 and start >= (select sealed_before from dims_seal)),
      ${midnightAfter(sql`(select min(ts) from clicks) + ${`${rawRetentionDays} days`}::interval`)},
      (select (min(day) + ${VISITOR_DAY_DAYS}::int)::timestamp at time zone 'UTC' from visitor_days),
      ${health}
    )) * 1000)::bigint::text as due`);
  const due = rows[0]?.due;
  return due === null || due === undefined ? null : Number(due);
}
