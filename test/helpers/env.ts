import { env } from "cloudflare:workers";
import { createIngestRedis } from "../../functions/ingest/stream.ts";
import { createDb } from "../../db/client.ts";
import { parseEnv, type Env } from "../../functions/shared/env.ts";

/** The test bindings (dev/test.ts) with some settings replaced, as a fresh object (parseEnv memoizes by object). */
export function testEnv(overrides: Record<string, string> = {}): Record<string, unknown> {
  return { ...(env as unknown as Record<string, unknown>), ...overrides };
}

export const ADMIN_KEY = (env as unknown as { ADMIN_API_KEY: string }).ADMIN_API_KEY;

/**
 * Production clients on the test stack, for tests that drive the ingest steps directly. `close()` ends
 * the Postgres pool (a WebSocket must not outlive the test).
 */
export function services(overrides: Record<string, string> = {}) {
  const config: Env = parseEnv(testEnv(overrides));
  const { db, pool } = createDb(config);
  return { config, db, redis: createIngestRedis(config), close: () => pool.end().catch(() => {}) };
}
