import type { Redis } from "@upstash/redis/cloudflare";
import { redisKeys } from "../shared/keys.ts";

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
      const at = fields.indexOf("e");
      tx.xadd(redisKeys.clickStream, "*", { e: at >= 0 && at % 2 === 0 ? fields[at + 1] : "" });
    }
    tx.xdel(redisKeys.deadLetters, entries.map(([id]) => id));
    await tx.exec();
  }
  const remaining = await redis.exec<number>(["XLEN", redisKeys.deadLetters]);
  return { replayed: entries.length, remaining: Number(remaining) };
}
