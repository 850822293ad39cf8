import type { Redis } from "@upstash/redis/cloudflare";
import { redisKeys } from "../shared/redis-keys.ts";

/**
 * Moves the oldest `limit` dead letters back onto the click stream, atomically (MULTI): each is either
 * still a dead letter or back on the stream, never both, never neither. The click id inside keeps
 * ingestion idempotent, so replaying something that did get ingested counts nothing twice.
 */
export async function replayDeadLetters(redis: Redis, limit: number): Promise<{ replayed: number; remaining: number }> {
  const entries = await redis.exec<[string, string[]][]>(["XRANGE", redisKeys.deadLetters, "-", "+", "COUNT", limit]);
  if (entries.length) {
    const tx = redis.multi();
    for (const [, fields] of entries) {
      let e = "";
      for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === "e") e = fields[i + 1];
      tx.xadd(redisKeys.clickStream, "*", { e });
    }
    tx.xdel(redisKeys.deadLetters, entries.map(([id]) => id));
    await tx.exec();
  }
  const remaining = await redis.exec<number>(["XLEN", redisKeys.deadLetters]);
  return { replayed: entries.length, remaining: Number(remaining) };
}
