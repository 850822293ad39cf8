/**
 * The live counter: the redirect counts every click in Redis the moment it serves it, long before the
 * cron ingests it, so comparing that all-time counter with the all-time ingested total tells a person how
 * many clicks are on their way (docs/analytics.md). A Redis failure costs only this block, never the answer.
 */
import type { Redis } from "@upstash/redis/cloudflare";
import { counterValue, redisKeys } from "../shared/redis-keys.ts";
import type { Stats } from "./schema.ts";

export async function readLive(
  redis: Redis,
  linkId: string,
  ingested: { clicks: number; humans: number },
): Promise<Stats["live"]> {
  try {
    const [all, humans] = await redis.mget<unknown[]>(redisKeys.allClicks(linkId), redisKeys.humanClicks(linkId));
    const live = { clicks: counterValue(all), humans: counterValue(humans) };
    return {
      ...live,
      ingested,
      // The counters can trail the rollups (a click that reached Postgres while Redis was down): never negative.
      pending: {
        clicks: Math.max(0, live.clicks - ingested.clicks),
        humans: Math.max(0, live.humans - ingested.humans),
      },
    };
  } catch (e) {
    console.error(`live counter of ${linkId} unavailable:`, e instanceof Error ? e.message : e);
    return null;
  }
}
