/**
 * What an idle cron run reads, and the only thing it reads: ONE Upstash command (XREAD of two streams) says
 * whether clicks wait in the click stream (its oldest entry, whose id is its time) and when Postgres work is
 * next due (the one entry of redisKeys.workDue). Neither there, the run ends without opening Postgres, so
 * Neon's compute can suspend and an unused deployment spends one command a minute.
 *
 * The due time is lowered by whatever makes work: a webhook attempt that failed and is retried later, an
 * import job, a click written to the Postgres inbox, an ingest outside the cron, a link write (its health
 * check, functions/health/after-write.ts); the cron, after a run that
 * opened Postgres, sets it to what Postgres says is next (db/queries/work-due.ts). A stream holds it (not a
 * string) only because XREAD reads several streams in one command and nothing reads a stream and a string
 * together; the scripts below keep it at one entry.
 */
import type { Redis } from "@upstash/redis/cloudflare";
import type { Db } from "../../db/client.ts";
import { nextWorkDue } from "../../db/queries/work-due.ts";
import type { Env } from "./env.ts";
import { idTime } from "../ingest/stream.ts";
import { redisKeys } from "./redis-keys.ts";

export interface WorkProbe {
  /** Epoch ms of the oldest entry of the click stream (new or delivered, not yet acknowledged); null: empty. */
  oldestClick: number | null;
  /** The due entry as read (its id tells a later writer apart), null when nothing is due. */
  due: { id: string; at: number } | null;
}

type XReadReply = [key: string, entries: [id: string, fields: string[]][]][] | null;

/** The one command of an idle cron run. Throws when Redis does not answer (the caller then runs everything). */
export async function probeWork(redis: Redis): Promise<WorkProbe> {
  const reply = await redis.exec<XReadReply>([
    "XREAD", "COUNT", 1, "STREAMS", redisKeys.clickStream, redisKeys.workDue, "0-0", "0-0",
  ]);
  const probe: WorkProbe = { oldestClick: null, due: null };
  for (const [key, entries] of reply ?? []) {
    const [id, fields] = entries[0] ?? [];
    if (!id) continue;
    if (key === redisKeys.clickStream) probe.oldestClick = idTime(id);
    else if (key === redisKeys.workDue) probe.due = { id, at: Number(fieldOf(fields ?? [], "at")) };
  }
  return probe;
}

const fieldOf = (fields: string[], name: string) => {
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === name) return fields[i + 1];
  return undefined;
};

// The due entry's time, or nil. Shared by both scripts.
const CURRENT = `
local cur = redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', 1)[1]
local curAt = nil
if cur then
  for i = 1, #cur[2], 2 do if cur[2][i] == 'at' then curAt = tonumber(cur[2][i + 1]) end end
end
`;

// Lowers the due time to ARGV[1] unless it is already that early. Cost: EVAL, XRANGE (+ DEL, XADD).
const LOWER = `${CURRENT}
if curAt and curAt <= tonumber(ARGV[1]) then return 0 end
redis.call('DEL', KEYS[1])
redis.call('XADD', KEYS[1], '*', 'at', ARGV[1])
return 1
`;

// After a run that read entry ARGV[1] ('' for none): sets the due time to ARGV[2] ('' for none). If a writer
// lowered it since (another entry now), the earlier of the two stays.
const SETTLE = `${CURRENT}
local nextAt = tonumber(ARGV[2])
local curId = cur and cur[1] or ''
if curId ~= ARGV[1] and curAt and (nextAt == nil or curAt <= nextAt) then return 0 end
redis.call('DEL', KEYS[1])
if nextAt then redis.call('XADD', KEYS[1], '*', 'at', ARGV[2]) end
return 1
`;

/**
 * Makes Postgres work due at `at` (epoch ms; now by default) for the next cron run; false when Redis could not
 * be told. Never throws: a due time that could not be written is caught up by the cron's next run that opens
 * Postgres (a Redis failure makes every run do so), and the caller's own work is done either way.
 */
export async function lowerWorkDue(redis: Redis, at = Date.now()): Promise<boolean> {
  try {
    await redis.eval(LOWER, [redisKeys.workDue], [String(Math.floor(at))]);
    return true;
  } catch (e) {
    console.error("work due: could not record when Postgres work is due:", e instanceof Error ? e.message : e);
    return false;
  }
}

/** The cron, after a run that opened Postgres: the next due time it found (null: none), unless lowered since. */
export async function settleWorkDue(redis: Redis, seen: WorkProbe["due"], next: number | null): Promise<void> {
  await redis.eval(SETTLE, [redisKeys.workDue], [seen?.id ?? "", next === null ? "" : String(Math.floor(next))]);
}

/** After work outside the cron changed what Postgres holds: the next due time as Postgres has it, noted. */
export async function noteWorkDue(redis: Redis, db: Db, config: Pick<Env, "RAW_RETENTION_DAYS" | "HEALTH_CHECK_DAYS">): Promise<void> {
  const at = await nextWorkDue(db, config.RAW_RETENTION_DAYS, config.HEALTH_CHECK_DAYS);
  if (at !== null) await lowerWorkDue(redis, at);
}
