import type { Principal } from "./auth/scopes.ts";
import type { Db } from "../../db/client.ts";
import type { Env, RawEnv } from "./env.ts";
import type { AppRedis } from "./redis.ts";

/** The one Hono environment of the app: raw bindings in, validated config and per-request services out. */
export interface AppEnv {
  Bindings: RawEnv;
  Variables: {
    config: Env;
    /** The isolate's shared Redis client for this config (functions/shared/redis.ts). */
    redis: AppRedis;
    /** Opens a Postgres pool on first use; closed after the response. */
    db: () => Db;
    /**
     * Runs `task` after the response, in ctx.waitUntil; a failure is logged with `label`, never thrown.
     * The request's Postgres pool stays open until every deferred task has settled.
     */
    defer: (label: string, task: () => Promise<unknown>) => void;
    /** The authenticated caller, set by requireScope on /api/v1 routes. */
    principal?: Principal;
  };
}
