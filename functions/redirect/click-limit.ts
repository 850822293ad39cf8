/**
 * maxClicks, enforced atomically in Redis against the live human-click counter clicks:humans:{linkId}.
 *
 * One small script, one round trip: it reads the counter and, below the limit, increments it for a human. At or
 * over the limit it changes nothing, so refused requests never inflate the counter: it keeps equal to the human
 * clicks the link actually served (the same number the pipeline counts from click rows). Bots and previews only
 * check: they never consume a click, but once the limit is reached they are refused too, or a one-time link's
 * destination would stay readable by any crawler.
 */
import type { Redis } from "@upstash/redis/cloudflare";
import { redisKeys } from "../shared/redis-keys.ts";

const CLAIM = `
local n = tonumber(redis.call('GET', KEYS[1]) or '0')
if n >= tonumber(ARGV[1]) then return -1 end
if ARGV[2] == '1' then return redis.call('INCR', KEYS[1]) end
return n
`;

export type Claim = "granted" | "exhausted";

/**
 * Asks for one click of `linkId` under `maxClicks`. `consume` is true for humans. Throws when Redis fails: the
 * caller must not serve the destination then (the limit is a promise to the link's owner).
 */
export async function claimClick(redis: Redis, linkId: string, maxClicks: number, consume: boolean): Promise<Claim> {
  // EVAL rather than EVALSHA: the script is tiny, and EVALSHA costs a second round trip whenever the server's
  // script cache does not hold it yet.
  const n = await redis.eval<[string, string], number>(CLAIM, [redisKeys.clickClaims(linkId)], [String(maxClicks), consume ? "1" : "0"]);
  return Number(n) < 0 ? "exhausted" : "granted";
}
