import type { RawEnv } from "../shared/env.ts";
import { parseEnv } from "../shared/env.ts";

/**
 * The cron function, fired every minute by the Worker's cron trigger (and by `npm run dev` locally).
 * Each job it runs is added here by the issue that builds it (ingestion, rollups, retention).
 */
export async function runScheduled(controller: ScheduledController, raw: RawEnv, ctx: ExecutionContext): Promise<void> {
  const env = parseEnv(raw);
  void env;
  void ctx;
  console.log(`cron ${controller.cron} at ${new Date(controller.scheduledTime).toISOString()}: no jobs yet`);
}
