/**
 * The Redis half of ingestion: the click stream read through a consumer group, so an entry stays pending
 * (delivered, not acknowledged) until its batch is committed to Postgres; a run that dies leaves its
 * entries pending and a later run claims them (XAUTOCLAIM) once they have been idle long enough.
 * Acknowledged entries are deleted, so the stream's length is exactly what is not yet ingested.
 */
import { Redis } from "@upstash/redis/cloudflare";
import type { Env } from "../shared/env.ts";
import { redisKeys } from "../shared/redis-keys.ts";

/**
 * One consumer name for every run: consumers are only bookkeeping here (each XREADGROUP ">" hands out
 * entries no other call got, whatever the name), and per-run names would pile up in the group forever.
 */
export const CONSUMER = "ingest";

export interface StreamEntry {
  /** Stream entry id, e.g. "1714000000000-0". */
  id: string;
  /** Field "e", raw (null when the entry has no such field). */
  e: string | null;
}

export interface DeadLetter {
  /** Where it came from: a stream entry id, or "inbox:<click id>". */
  from: string;
  e: string;
  reason: string;
}

/**
 * A client for the ingest run: values come back raw (no JSON guessing, the event is parsed and validated
 * here), and a timeout that fits batches rather than the redirect's hard one.
 */
export function createIngestRedis(env: Env, timeoutMs = 10_000): Redis {
  return new Redis({
    url: env.UPSTASH_REDIS_REST_URL,
    token: env.UPSTASH_REDIS_REST_TOKEN,
    retry: false,
    enableTelemetry: false,
    automaticDeserialization: false,
    // Values are the JSON text of events, valid UTF-8: base64 round trips would only cost time. (An entry
    // with invalid UTF-8 would arrive with U+FFFD in it, which makes it no less a dead letter.)
    responseEncoding: false,
    signal: () => AbortSignal.timeout(timeoutMs),
  });
}

type RawEntry = [id: string, fields: string[] | null];

function toEntry([id, fields]: RawEntry): StreamEntry {
  let e: string | null = null;
  if (fields) {
    for (let i = 0; i + 1 < fields.length; i += 2) {
      if (fields[i] === "e") {
        e = fields[i + 1];
        break;
      }
    }
  }
  return { id, e };
}

/** Creates the consumer group (and the stream) if missing; reading from "0" so no earlier entry is skipped. */
export async function ensureGroup(redis: Redis): Promise<void> {
  try {
    await redis.exec(["XGROUP", "CREATE", redisKeys.clickStream, redisKeys.clickGroup, "0", "MKSTREAM"]);
  } catch (e) {
    if (!String((e as Error).message).includes("BUSYGROUP")) throw e;
  }
}

/** Entries never delivered to any run, oldest first. */
export async function readNew(redis: Redis, count: number): Promise<StreamEntry[]> {
  const reply = await redis.exec<[string, RawEntry[]][] | null>([
    "XREADGROUP", "GROUP", redisKeys.clickGroup, CONSUMER, "COUNT", count, "STREAMS", redisKeys.clickStream, ">",
  ]);
  return (reply?.[0]?.[1] ?? []).map(toEntry);
}

/**
 * Entries delivered to a run that never acknowledged them and idle for `minIdleMs`: taken over by this run.
 * `cursor` starts at "0-0"; the returned cursor is "0-0" once the whole pending list has been scanned.
 * `gone` are pending ids whose entry no longer exists (nothing to ingest: they only need acknowledging).
 */
export async function claimStale(
  redis: Redis,
  cursor: string,
  count: number,
  minIdleMs: number,
): Promise<{ cursor: string; entries: StreamEntry[]; gone: string[] }> {
  const [next, claimed, deleted] = await redis.exec<[string, RawEntry[], string[]?]>([
    "XAUTOCLAIM", redisKeys.clickStream, redisKeys.clickGroup, CONSUMER, minIdleMs, cursor, "COUNT", count,
  ]);
  const entries: StreamEntry[] = [];
  const gone = [...(deleted ?? [])];
  // Redis 6.2 reports a deleted entry inline with nil fields; 7.x lists it apart (and drops it itself).
  for (const raw of claimed ?? []) (raw?.[1] ? entries.push(toEntry(raw)) : raw && gone.push(raw[0]));
  return { cursor: next, entries, gone };
}

/**
 * Settles stream entries, called only after their batch is committed: dead letters written, entries
 * acknowledged and deleted, all at once (MULTI), so no acknowledged entry stays behind in the stream and no
 * dead letter is dropped. (An inbox batch has no entries: its dead letters alone go before its commit.)
 */
export async function acknowledge(redis: Redis, ids: string[], dead: DeadLetter[]): Promise<void> {
  if (ids.length === 0 && dead.length === 0) return;
  const tx = redis.multi();
  for (const d of dead) tx.xadd(redisKeys.deadLetters, "*", { e: d.e, reason: d.reason, from: d.from });
  if (ids.length) {
    tx.xack(redisKeys.clickStream, redisKeys.clickGroup, ids);
    tx.xdel(redisKeys.clickStream, ids);
  }
  await tx.exec();
}

/** Milliseconds of a stream id ("<ms>-<seq>"). */
export function idTime(id: string): number {
  return Number(id.slice(0, id.indexOf("-")));
}
