import type { Redis } from "@upstash/redis/cloudflare";
import { redisKeys } from "../shared/redis-keys.ts";
import { DEFAULT_REDIS_BYTES, ReadSizer, tooLarge } from "./limits.ts";

/**
 * Moves the oldest `limit` dead letters back onto the click stream, atomically (MULTI): each is either
 * still a dead letter or back on the stream, never both, never neither. The click id inside keeps
 * ingestion idempotent, so replaying something that did get ingested counts nothing twice. Read and
 * moved in parts of at most `budget` bytes (a dead letter is as large as the entry it was).
 */
export async function replayDeadLetters(redis: Redis, limit: number, budget = DEFAULT_REDIS_BYTES): Promise<{ replayed: number; remaining: number }> {
  const sizer = new ReadSizer(budget, limit);
  let replayed = 0;
  while (replayed < limit) {
    const want = Math.min(sizer.next(), limit - replayed);
    let entries: [string, string[]][];
    try {
      entries = await redis.exec<[string, string[]][]>(["XRANGE", redisKeys.deadLetters, "-", "+", "COUNT", want]);
    } catch (e) {
      if (!tooLarge(e) || want === 1) throw e;
      sizer.refused();
      continue;
    }
    if (!entries.length) break;
    const values = entries.map(([, fields]) => {
      let e = "";
      for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === "e") e = fields[i + 1];
      return e;
    });
    sizer.fitted(values.map((e) => ({ e })));
    const tx = redis.multi();
    for (const e of values) tx.xadd(redisKeys.clickStream, "*", { e });
    tx.xdel(redisKeys.deadLetters, entries.map(([id]) => id));
    await tx.exec();
    replayed += entries.length;
    if (entries.length < want) break;
  }
  const remaining = await redis.exec<number>(["XLEN", redisKeys.deadLetters]);
  return { replayed, remaining: Number(remaining) };
}
