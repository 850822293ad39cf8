import type { Redis } from "@upstash/redis/cloudflare";
import type { Db } from "../../db/client.ts";
import type { Env } from "../shared/env.ts";
import { emptyIngestResult, ingestSettings, runIngest, type IngestDeps, type IngestResult } from "./run.ts";
import { recordRun } from "./run-status.ts";

/**
 * One recorded ingest run, as the cron and the flush route both start it: the outcome (or the error that
 * stopped it) is kept for /api/v1/ingest/status either way. Never throws.
 */
export async function ingestOnce(opts: {
  redis: Redis;
  db: Db;
  env: Env;
  trigger: string;
  afterCommit?: IngestDeps["afterCommit"];
}): Promise<{ result: IngestResult; error: unknown }> {
  const started = Date.now();
  const result = emptyIngestResult();
  let error: unknown = null;
  try {
    await runIngest({ redis: opts.redis, db: opts.db, settings: ingestSettings(opts.env), afterCommit: opts.afterCommit }, result);
  } catch (e) {
    error = e;
    console.error(`ingest (${opts.trigger}) stopped:`, e);
  }
  result.ms = Date.now() - started;
  await recordRun(opts.redis, opts.trigger, result, error);
  return { result, error };
}
