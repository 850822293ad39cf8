import { createRedis } from "../../functions/shared/redis.ts";
import { config } from "./env.ts";

/**
 * Redis as the Worker sees it, for checking and arranging what it reads and writes (link cache, counters,
 * the click stream): the production client, with a patient timeout.
 */
export const redis = createRedis(config, 5000);
