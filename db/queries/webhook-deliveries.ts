/**
 * The SQL of webhook deliveries: claimed by runs, their outcomes, the retry button, the list. Pure data
 * access; functions/webhooks/ decides what it means. Endpoints and the outbox have files of their own
 * (webhook-endpoints.ts, webhook-outbox.ts).
 */
import { and, desc, eq, inArray, sql } from "drizzle-orm";
import type { Db, Tx } from "../client.ts";
import { webhookDeliveries, webhookEndpoints, type WebhookDeliveryRow, type WebhookEndpointRow } from "../schema.ts";

export type NewDelivery = typeof webhookDeliveries.$inferInsert;

/** Deliveries not settled yet: due (pending), being sent by a run (sending), handed to QStash (queued). */
const OPEN_STATUSES = ["pending", "sending", "queued"];

export async function insertDeliveries(db: Db | Tx, rows: NewDelivery[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 500) await db.insert(webhookDeliveries).values(rows.slice(i, i + 500));
}

export interface ClaimedDelivery {
  delivery: WebhookDeliveryRow;
  endpoint: WebhookEndpointRow;
}

/** The advisory lock that makes claims take turns (any fixed number: no other code takes it). */
const CLAIM_LOCK = 0x77656268; // "wehb"

/**
 * Takes up to `limit` due deliveries of enabled endpoints, one more attempt counted, for the Worker to send
 * (`sending`) or to hand to QStash (`queued`), each held until `leaseMs` from now. A run that dies
 * mid-attempt, or a QStash hand-over whose callback never comes, leaves the delivery due again when its lease
 * ends. Attempts in flight are capped across every run (`limit` counts the other runs' too): runs overlap
 * (the cron's, and one after each write), so claims take turns under an advisory lock, each statement seeing
 * the claims committed before it. Skips rows another run holds.
 */
export async function claimDue(db: Db, limit: number, leaseMs: number, status: "sending" | "queued"): Promise<ClaimedDelivery[]> {
  const r = await db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${CLAIM_LOCK})`);
    return tx.execute<{ id: string }>(sql`
      update webhook_deliveries d
      set attempts = d.attempts + 1, status = ${status}, updated_at = now(),
          next_attempt_at = now() + make_interval(secs => ${leaseMs / 1000})
      where d.id in (
        select d2.id from webhook_deliveries d2 join webhook_endpoints e on e.id = d2.endpoint_id
        where d2.status in ('pending', 'sending', 'queued') and d2.next_attempt_at <= now() and e.enabled
        order by d2.next_attempt_at
        limit greatest(0, ${limit} - (
          select count(*) from webhook_deliveries
          where status = 'sending' and next_attempt_at > now() and ${status} = 'sending'))
        for update of d2 skip locked
      )
      returning d.id`);
  });
  const ids = r.rows.map((x) => x.id);
  if (!ids.length) return [];
  const rows = await db
    .select()
    .from(webhookDeliveries)
    .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookDeliveries.endpointId))
    .where(inArray(webhookDeliveries.id, ids));
  return rows.map((x) => ({ delivery: x.webhook_deliveries, endpoint: x.webhook_endpoints }));
}

export async function selectDelivery(db: Db, endpointId: string | null, id: string): Promise<ClaimedDelivery | undefined> {
  const [x] = await db
    .select()
    .from(webhookDeliveries)
    .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookDeliveries.endpointId))
    .where(and(eq(webhookDeliveries.id, id), endpointId ? eq(webhookDeliveries.endpointId, endpointId) : undefined))
    .limit(1);
  return x && { delivery: x.webhook_deliveries, endpoint: x.webhook_endpoints };
}

/**
 * Locks an endpoint's row before the transaction touches any of its deliveries. Deleting an endpoint (its
 * deliveries go with it) or disabling one (its open deliveries fail) locks the endpoint first and then the
 * deliveries; an outcome taking them the other way round deadlocked against it, and one of the two failed.
 */
async function lockEndpoint(tx: Tx, id: string): Promise<void> {
  await tx.execute(sql`select 1 from webhook_endpoints where id = ${id} for no key update`);
}

/** The outcome of an attempt for the delivery; for the endpoint, whether its run of failures ended or goes on. */
export async function recordSuccess(db: Db, d: WebhookDeliveryRow, status: number | null): Promise<void> {
  await db.transaction(async (tx) => {
    await lockEndpoint(tx, d.endpointId);
    await tx.update(webhookDeliveries)
      .set({ status: "succeeded", lastStatus: status, lastError: null, deliveredAt: sql`now()`, updatedAt: sql`now()` })
      .where(eq(webhookDeliveries.id, d.id));
    await tx.update(webhookEndpoints).set({ failingSince: null }).where(eq(webhookEndpoints.id, d.endpointId));
  });
}

/**
 * A failed attempt: retried at `retryAt` unless past its give-up time (then failed). The endpoint's run of
 * failures starts now if none had; when it has gone on for `disableAfterMs`, or `gone` (a 410), the
 * endpoint is disabled with that reason and its other open deliveries fail with it.
 */
export async function recordFailure(db: Db, d: WebhookDeliveryRow, f: {
  status: number | null; error: string; retryAt: Date; gone: boolean; disableAfterMs: number;
}): Promise<{ disabled: string | null }> {
  return db.transaction(async (tx) => {
    await lockEndpoint(tx, d.endpointId);
    await tx.execute(sql`
      update webhook_deliveries
      set last_status = ${f.status}, last_error = ${f.error.slice(0, 1000)}, updated_at = now(),
          status = case when ${f.gone} or give_up_at <= now() then 'failed' else 'pending' end,
          next_attempt_at = ${f.retryAt.toISOString()}::timestamptz
      where id = ${d.id} and status <> 'succeeded'`);
    // A run of failures starts no later than the retry window of the delivery that failed first: so when a
    // delivery is given up after its whole window, its endpoint has been failing for that long and is disabled.
    const since = sql`coalesce(failing_since, least(now(), ${new Date(d.giveUpAt.getTime() - f.disableAfterMs).toISOString()}::timestamptz))`;
    const [e] = await tx.execute<{ reason: string | null }>(sql`
      update webhook_endpoints
      set failing_since = ${since},
          enabled = enabled and not (${f.gone} or ${since} <= now() - make_interval(secs => ${f.disableAfterMs / 1000})),
          disabled_reason = case
            when not enabled then disabled_reason
            when ${f.gone} then 'gone'
            when ${since} <= now() - make_interval(secs => ${f.disableAfterMs / 1000}) then 'failing'
            else disabled_reason end
      where id = ${d.endpointId}
      returning case when enabled then null else disabled_reason end as reason`).then((r) => r.rows);
    const disabled = e?.reason ?? null;
    if (disabled) await failOpen(tx, d.endpointId, `endpoint disabled (${disabled})`);
    return { disabled };
  });
}

/** Every pending or queued delivery of the endpoint given up with `error` (it was disabled). */
export async function failOpen(db: Db | Tx, endpointId: string, error: string): Promise<void> {
  await db.update(webhookDeliveries)
    .set({ status: "failed", lastError: error, updatedAt: sql`now()` })
    .where(and(eq(webhookDeliveries.endpointId, endpointId), inArray(webhookDeliveries.status, OPEN_STATUSES)));
}

/** A delivery due again now, retried for another `retryForMs` (the retry button). */
export async function requeueDelivery(db: Db, id: string, retryForMs: number): Promise<void> {
  await db.execute(sql`
    update webhook_deliveries set status = 'pending', next_attempt_at = now(), updated_at = now(),
      give_up_at = now() + make_interval(secs => ${retryForMs / 1000})
    where id = ${id}`);
}

export interface DeliveryPosition {
  createdAt: string;
  id: string;
}

/** One page of an endpoint's deliveries, newest first; `next` is where the following page starts. */
export async function listDeliveries(db: Db, f: { endpointId: string; status?: string; limit: number; after?: DeliveryPosition }) {
  const createdText = sql<string>`to_char(${webhookDeliveries.createdAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
  const page = await db
    .select({
      id: webhookDeliveries.id, type: webhookDeliveries.type, status: webhookDeliveries.status, attempts: webhookDeliveries.attempts,
      clickCount: webhookDeliveries.clickCount, lastStatus: webhookDeliveries.lastStatus, lastError: webhookDeliveries.lastError,
      nextAttemptAt: webhookDeliveries.nextAttemptAt, deliveredAt: webhookDeliveries.deliveredAt, createdAt: webhookDeliveries.createdAt,
      position: createdText,
    })
    .from(webhookDeliveries)
    .where(and(
      eq(webhookDeliveries.endpointId, f.endpointId),
      f.status ? eq(webhookDeliveries.status, f.status) : undefined,
      f.after ? sql`(${webhookDeliveries.createdAt}, ${webhookDeliveries.id}) < (${f.after.createdAt}::timestamptz, ${f.after.id})` : undefined,
    ))
    .orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id))
    .limit(f.limit + 1);
  const rows = page.slice(0, f.limit);
  const last = rows.at(-1);
  return { rows: rows.map(({ position: _p, ...r }) => r), next: page.length > f.limit && last ? { createdAt: last.position, id: last.id } : null };
}

/** Whether anything is waiting: outbox rows, or deliveries due now. */
export async function webhookBacklog(db: Db): Promise<{ outbox: number; due: number }> {
  const r = await db.execute<{ outbox: number; due: number }>(sql`
    select (select count(*) from webhook_outbox)::int as outbox,
           (select count(*) from webhook_deliveries where status in ('pending', 'sending', 'queued') and next_attempt_at <= now())::int as due`);
  return r.rows[0];
}
