/** For the ingest tests: the pipeline's own clients on the test stack, and the flush route. */
import { createDb } from "../../db/client.ts";
import { createIngestRedis } from "../../functions/ingest/stream.ts";
import { config } from "./env.ts";
import { call } from "./worker.ts";

/**
 * The production clients the ingest steps run with (the ingest Redis client, a Postgres pool), for tests
 * that drive those steps directly. `close()` ends the Postgres pool (a WebSocket must not outlive the test).
 */
export function ingestClients() {
  const { db, pool } = createDb(config);
  return { db, redis: createIngestRedis(config), close: () => pool.end().catch(() => {}) };
}

/** POST /api/v1/ingest/flush with the admin key, with some settings changed for it. */
export async function flush(settings: Record<string, string> = {}) {
  const res = await call("POST", "/api/v1/ingest/flush", { settings });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}
