/**
 * What an operator alerts on: how much is waiting, how old the oldest waiting click is, how many dead
 * letters there are, and how the last run went (kept in Redis by every run, cron or flush).
 */
import type { Redis } from "@upstash/redis/cloudflare";
import type { Db } from "../../db/client.ts";
import { inboxBacklog } from "../../db/queries/click-inbox.ts";
import { redisKeys } from "../shared/redis-keys.ts";
import type { IngestResult } from "./run.ts";
import { idTime } from "./stream.ts";

export interface LastRun {
  at: string;
  trigger: string;
  ingested: number;
  processed: number;
  deadLettered: number;
  durationMs: number;
  /** Why the run stopped early; null when it went through. */
  error: string | null;
  /** When a run last went through without error. */
  lastSuccessAt: string | null;
}

export interface IngestStatus {
  /** Clicks not yet ingested: stream entries (delivered or not) plus inbox rows. Null if unknown. */
  pending: number | null;
  /** Age in seconds of the oldest click not yet ingested; 0 when nothing waits. */
  oldestPendingAgeSeconds: number | null;
  deadLetters: number | null;
  stream: { length: number; delivered: number; oldestAt: string | null } | null;
  inbox: { rows: number; oldestAt: string | null } | null;
  lastRun: LastRun | null;
  /** Which backing service could not be asked, and why. */
  errors?: Record<string, string>;
}

const message = (e: unknown) => String((e as Error)?.message ?? e);

/** Records a run (success or failure) under redisKeys.ingestLastRun; never throws (Redis may be down). */
export async function recordRun(redis: Redis, trigger: string, r: IngestResult, error: unknown) {
  const at = new Date().toISOString();
  const fields: Record<string, string | number> = {
    at, trigger, ingested: r.ingested, processed: r.processed, deadLettered: r.deadLettered, ms: r.ms, error: error ? message(error).slice(0, 500) : "",
  };
  if (!error) fields.okAt = at;
  try {
    await redis.exec(["HSET", redisKeys.ingestLastRun, ...Object.entries(fields).flat()]);
  } catch (e) {
    console.error("could not record the ingest run:", message(e));
  }
}

/** Epoch ms of the stream's oldest entry, or null when it is empty. */
const oldestEntry = (redis: Redis) =>
  redis.exec<[string, unknown][]>(["XRANGE", redisKeys.clickStream, "-", "+", "COUNT", 1]).then((r) => (r[0] ? idTime(r[0][0]) : null));

/** The earliest of the times given, null when none is known. */
function earliest(...times: (number | null)[]): number | null {
  const known = times.filter((t): t is number => t !== null);
  return known.length ? Math.min(...known) : null;
}

async function streamFacts(redis: Redis) {
  const [length, pending, oldest, dead, last] = await Promise.all([
    redis.exec<number>(["XLEN", redisKeys.clickStream]),
    redis.exec<[number, ...unknown[]]>(["XPENDING", redisKeys.clickStream, redisKeys.clickGroup]).catch((e) => {
      if (message(e).includes("NOGROUP")) return [0] as [number];
      throw e;
    }),
    oldestEntry(redis),
    redis.exec<number>(["XLEN", redisKeys.deadLetters]),
    redis.exec<string[]>(["HGETALL", redisKeys.ingestLastRun]),
  ]);
  return { length: Number(length), delivered: Number(pending[0]), oldest, dead: Number(dead), last };
}

function toLastRun(flat: string[]): LastRun | null {
  if (!flat?.length) return null;
  const h: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) h[flat[i]] = flat[i + 1];
  return {
    at: h.at,
    trigger: h.trigger ?? "",
    ingested: Number(h.ingested ?? 0),
    processed: Number(h.processed ?? 0),
    deadLettered: Number(h.deadLettered ?? 0),
    durationMs: Number(h.ms ?? 0),
    error: h.error || null,
    lastSuccessAt: h.okAt || null,
  };
}

export async function getIngestStatus(redis: Redis, db: Db, now = Date.now()): Promise<IngestStatus> {
  const [s, i] = await Promise.allSettled([streamFacts(redis), inboxBacklog(db)]);
  const errors: Record<string, string> = {};
  if (s.status === "rejected") errors.redis = message(s.reason);
  if (i.status === "rejected") errors.postgres = message(i.reason);
  const st = s.status === "fulfilled" ? s.value : null;
  const ib = i.status === "fulfilled" ? i.value : null;
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  const oldest = st && ib ? earliest(st.oldest, ib.oldest) : undefined;
  return {
    pending: st && ib ? st.length + ib.rows : null,
    oldestPendingAgeSeconds: oldest === undefined ? null : oldest === null ? 0 : Math.max(0, Math.round((now - oldest) / 1000)),
    deadLetters: st ? st.dead : null,
    stream: st ? { length: st.length, delivered: st.delivered, oldestAt: iso(st.oldest) } : null,
    inbox: ib ? { rows: ib.rows, oldestAt: iso(ib.oldest) } : null,
    lastRun: st ? toLastRun(st.last) : null,
    ...(Object.keys(errors).length ? { errors } : {}),
  };
}

/** What the flush route reports as still waiting once it is done. */
export async function pendingCount(redis: Redis, db: Db): Promise<number> {
  const [length, inbox] = await Promise.all([redis.exec<number>(["XLEN", redisKeys.clickStream]), inboxBacklog(db)]);
  return Number(length) + inbox.rows;
}

/** Epoch ms of the oldest click not yet ingested (stream or inbox), or null when none waits. */
export async function oldestPending(redis: Redis, db: Db): Promise<number | null> {
  const [stream, inbox] = await Promise.all([oldestEntry(redis), inboxBacklog(db)]);
  return earliest(stream, inbox.oldest);
}
