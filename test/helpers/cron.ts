/**
 * The cron, run the way the Worker's cron trigger runs it, for the tests of its idle check: with the real
 * stack, or with Postgres pointed at a closed port, where any query fails the run (a run that succeeds there
 * opened no Postgres connection).
 */
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { expect } from "vitest";
import worker from "../../workers/index.ts";
import { withSettings } from "./env.ts";

/** One cron run with `env`; its error, if it failed. */
export async function cronRun(env = withSettings()): Promise<unknown> {
  const ctx = createExecutionContext();
  try {
    await worker.scheduled(createScheduledController({ cron: "* * * * *", scheduledTime: Date.now() }), env, ctx);
    return null;
  } catch (e) {
    return e;
  } finally {
    await waitOnExecutionContext(ctx);
  }
}

/** Postgres nowhere: the database a closed port (the proxy's connection to it is refused). */
const NO_POSTGRES = { DATABASE_URL: "postgres://nobody:nothing@127.0.0.1:9/none" };
export const noPostgres = (settings: Record<string, string> = {}) => withSettings({ ...NO_POSTGRES, ...settings });
/** The real stack; an entry a failed run left delivered is taken over at once, not after a minute. */
export const real = () => withSettings({ INGEST_CLAIM_IDLE_MS: "0" });

/** Runs the cron for real until nothing is waiting or due (what earlier files left is ingested and settled). */
export async function settleCron() {
  for (let i = 0; i < 5; i++) {
    expect(await cronRun(real())).toBeNull();
    if (await cronRun(noPostgres()) === null) return;
  }
  throw new Error("the cron never became idle");
}

