import { Pool, neonConfig } from "@neondatabase/serverless";
import { drizzle, type NeonDatabase } from "drizzle-orm/neon-serverless";
import * as schema from "./schema.ts";

export type Db = NeonDatabase<typeof schema> & { $client: Pool };
/** The handle a `db.transaction` callback gets. */
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

let proxyConfigured: string | undefined;

/**
 * Points the Neon driver at the local WebSocket proxy in front of a plain Postgres (development and tests only):
 * plain ws, and no pipelined TLS or connect, which a plain Postgres with SCRAM auth does not accept.
 */
function configureLocalProxy(proxy: string | undefined) {
  if (!proxy || proxyConfigured === proxy) return;
  neonConfig.wsProxy = (host, port) => `${proxy}?address=${host}:${port}`;
  neonConfig.useSecureWebSocket = false;
  neonConfig.pipelineTLS = false;
  neonConfig.pipelineConnect = false;
  proxyConfigured = proxy;
}

/** What a connection needs: the connection string, and locally the proxy (functions/shared/env.ts documents both). */
export interface DbSettings {
  DATABASE_URL: string;
  NEON_WS_PROXY?: string;
}

/**
 * A Postgres pool for one request or one scheduled run: WebSockets cannot outlive the request that opened
 * them in a Worker, so the caller must `end()` it (in waitUntil) when done.
 */
export function createDb(env: DbSettings): { db: Db; pool: Pool } {
  configureLocalProxy(env.NEON_WS_PROXY);
  const pool = new Pool({ connectionString: env.DATABASE_URL, max: 4, connectionTimeoutMillis: 5000 });
  // A dropped connection surfaces on the query that used it; this keeps an idle error from being unhandled.
  // Once end() has begun, workerd reports each socket it closes as "Network connection lost": not a fault.
  pool.on("error", (e: Error) => {
    if (!pool.ending) console.error("postgres pool error:", e.message);
  });
  return { db: drizzle({ client: pool, schema }), pool };
}
