import { createDb, type Db } from "../../db/client.ts";
import { config } from "./env.ts";

/** A Postgres pool for one test: workerd ties sockets to the test that opened them. */
export async function withDb<T>(fn: (db: Db) => Promise<T>): Promise<T> {
  const { db, pool } = createDb(config);
  try {
    return await fn(db);
  } finally {
    await pool.end();
  }
}

/** One Postgres pool for a whole test file; call `pool.end()` in afterAll. */
export function openDb() {
  return createDb(config);
}
