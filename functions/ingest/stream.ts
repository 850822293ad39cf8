/**
 * The Redis half of ingestion: the click stream read through a consumer group, so an entry stays pending
 * (delivered, not acknowledged) until its batch is committed to Postgres; a run that dies leaves its
 * entries pending and a later run takes them over (XPENDING, then XCLAIM) once they have been idle long enough.
 * Acknowledged entries are deleted, so the stream's length is exactly what is not yet ingested.
 * Every request and reply here stays under a byte budget (limits.ts says how), and nothing needs Redis 7.
 */
import { Redis } from "@upstash/redis/cloudflare";
import type { Env } from "../shared/env.ts";
import { redisKeys } from "../shared/redis-keys.ts";
import { utf8Bytes } from "../shared/bytes.ts";
import { DEFAULT_REDIS_BYTES, tooLarge, type ReadSizer } from "./limits.ts";

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

/** A pending entry idle long enough to take over, and how many times it was delivered without being committed. */
export interface Pending {
  id: string;
  deliveries: number;
}

/**
 * Pending entries idle for `minIdleMs` (their run died, or failed and handed them back), oldest first, from
 * `start` ("-", or "(<id>" to go on after an id). XPENDING's reply is a few dozen bytes an entry, whatever
 * the entries hold; IDLE is Redis 6.2.
 */
export async function pendingIdle(redis: Redis, start: string, count: number, minIdleMs: number): Promise<Pending[]> {
  const reply = await redis.exec<[string, string, number, number][]>([
    "XPENDING", redisKeys.clickStream, redisKeys.clickGroup, "IDLE", minIdleMs, start, "+", count,
  ]);
  return (reply ?? []).map(([id, , , n]) => ({ id, deliveries: Number(n) }));
}

/**
 * Reads the entries of `ids` (ascending) with XRANGE over their span, which changes nothing: a reply refused
 * as too large is asked again smaller, and one entry that no reply can carry is named in `unreadable`.
 * `gone` are ids whose entry no longer exists.
 */
export async function fetchEntries(
  redis: Redis,
  ids: readonly string[],
  sizer: ReadSizer,
): Promise<{ entries: StreamEntry[]; gone: string[]; unreadable: string[] }> {
  const wanted = new Set(ids);
  const found = new Map<string, StreamEntry>();
  const unreadable: string[] = [];
  const end = ids[ids.length - 1];
  let start = ids[0];
  while (found.size + unreadable.length < wanted.size) {
    const count = sizer.next();
    let raw: RawEntry[];
    try {
      raw = (await redis.exec<RawEntry[]>(["XRANGE", redisKeys.clickStream, start, end, "COUNT", count])) ?? [];
    } catch (e) {
      if (!tooLarge(e)) throw e;
      if (count > 1) { sizer.refused(); continue; }
      // Even alone it is too large: the next wanted entry is asked by its own id, so the culprit is known.
      const next = ids.find((id) => !found.has(id) && !unreadable.includes(id) && idAfter(id, start));
      if (next === undefined) break; // what is left of the span is no entry of ours
      const one = await redis.exec<RawEntry[]>(["XRANGE", redisKeys.clickStream, next, next]).catch((e2) => {
        if (!tooLarge(e2)) throw e2;
        unreadable.push(next);
        return [] as RawEntry[];
      });
      for (const r of one) found.set(r[0], toEntry(r));
      start = `(${next}`;
      continue;
    }
    const entries = raw.map(toEntry);
    sizer.fitted(entries);
    for (const x of entries) if (wanted.has(x.id)) found.set(x.id, x);
    if (raw.length < count) break;
    start = `(${raw[raw.length - 1][0]}`;
  }
  const gone = ids.filter((id) => !found.has(id) && !unreadable.includes(id));
  return { entries: ids.filter((id) => found.has(id)).map((id) => found.get(id)!), gone, unreadable };
}

/** Whether stream id `id` is at or after the XRANGE start `start` ("<id>" inclusive, "(<id>" exclusive). */
function idAfter(id: string, start: string): boolean {
  const exclusive = start.startsWith("(");
  const c = compareIds(id, exclusive ? start.slice(1) : start);
  return exclusive ? c > 0 : c >= 0;
}

export function compareIds(a: string, b: string): number {
  const [am, as] = a.split("-").map(BigInt);
  const [bm, bs] = b.split("-").map(BigInt);
  return am !== bm ? (am < bm ? -1 : 1) : as === bs ? 0 : as < bs ? -1 : 1;
}

/**
 * Takes over pending entries still idle for `minIdleMs` (one another run took meanwhile is left to it) and
 * sets how many times they count as delivered; returns the ids taken. JUSTID keeps the reply to ids (and
 * leaves the count to RETRYCOUNT); a deleted entry is not taken on Redis 7, taken and then found gone on 6.2.
 * With `minIdleMs` 0 it changes the count of entries the run holds: one more just before their commit is sent
 * (stale.ts says why only then), and back to what it was when that commit failed (Postgres down), so an outage
 * never turns good clicks into dead letters.
 */
export async function claim(redis: Redis, ids: readonly string[], deliveries: number, minIdleMs: number): Promise<string[]> {
  if (!ids.length) return [];
  return (await redis.exec<string[]>([
    "XCLAIM", redisKeys.clickStream, redisKeys.clickGroup, CONSUMER, minIdleMs, ...ids, "RETRYCOUNT", deliveries, "JUSTID",
  ])) ?? [];
}

/**
 * Settles stream entries, called only after their batch is committed: dead letters written, entries
 * acknowledged and deleted. Each MULTI carries some dead letters with the acknowledgement of the entries
 * they came from (so no acknowledged entry stays behind in the stream and no dead letter is dropped) and
 * stays under `budget` bytes; the other entries go in the last one. (An inbox batch has no entries: its dead
 * letters alone go before its commit.)
 */
export async function acknowledge(redis: Redis, ids: readonly string[], dead: readonly DeadLetter[], budget = DEFAULT_REDIS_BYTES): Promise<void> {
  if (ids.length === 0 && dead.length === 0) return;
  const stream = new Set(ids);
  const deadIds = new Set(dead.map((d) => d.from));
  let tx = redis.multi();
  let bytes = 0;
  let txIds: string[] = [];
  const send = async (more: string[]) => {
    const all = [...txIds, ...more];
    if (all.length) {
      tx.xack(redisKeys.clickStream, redisKeys.clickGroup, all);
      tx.xdel(redisKeys.clickStream, all);
    }
    if (all.length || bytes) await tx.exec();
    tx = redis.multi();
    bytes = 0;
    txIds = [];
  };
  for (const d of dead) {
    const size = utf8Bytes(JSON.stringify([d.e, d.reason, d.from])) + 64;
    if (bytes && bytes + size > budget) await send([]);
    tx.xadd(redisKeys.deadLetters, "*", { e: d.e, reason: d.reason, from: d.from });
    bytes += size;
    if (stream.has(d.from)) txIds.push(d.from);
  }
  await send(ids.filter((id) => !deadIds.has(id)));
}

/** Milliseconds of a stream id ("<ms>-<seq>"). */
export function idTime(id: string): number {
  return Number(id.slice(0, id.indexOf("-")));
}
