/**
 * `npm run qstash:schedule`: creates, or updates in place, the QStash schedule that POSTs
 * {PUBLIC_BASE_URL}/api/v1/ingest/flush, for deployments that want ingestion driven by QStash (in addition to,
 * or instead of, the Worker's cron trigger). The flush route accepts it by its Upstash-Signature, so the
 * Worker needs QSTASH_CURRENT_SIGNING_KEY and QSTASH_NEXT_SIGNING_KEY (wrangler secret put).
 *
 *   QSTASH_TOKEN=... PUBLIC_BASE_URL=https://eat.my npm run qstash:schedule -- [--cron EXPR, default every 5 minutes] [--id eatmyurl-ingest-flush] [--dry-run]
 *
 * The schedule id is fixed, so running it again changes the cron expression instead of adding a schedule.
 * QSTASH_URL overrides the QStash API address (another region).
 */
import { parseArgs } from "node:util";
import { Client } from "@upstash/qstash";

const { values } = parseArgs({
  options: {
    // Every 5 minutes: 288 messages a day, so QStash Free's 1,000 a day leaves room for webhook deliveries.
    cron: { type: "string", default: "*/5 * * * *" },
    id: { type: "string", default: "eatmyurl-ingest-flush" },
    "dry-run": { type: "boolean", default: false },
  },
});

const base = process.env.PUBLIC_BASE_URL;
const token = process.env.QSTASH_TOKEN;
if (!base || !/^https?:\/\//.test(base)) fail("PUBLIC_BASE_URL must be the Worker's public origin, e.g. https://eat.my");
if (!token && !values["dry-run"]) fail("QSTASH_TOKEN is not set (Upstash console, QStash, Request builder / API keys)");
if (values.cron.trim().split(/\s+/).length !== 5) fail(`--cron must be a 5-field cron expression, got "${values.cron}"`);

const schedule = {
  scheduleId: values.id,
  destination: `${base.replace(/\/+$/, "")}/api/v1/ingest/flush`,
  cron: values.cron,
  method: "POST" as const,
  // A missed call is not worth retrying: the next one (or the Worker's own cron) drains what is left.
  retries: 0,
};

if (values["dry-run"]) {
  console.log(JSON.stringify(schedule, null, 2));
} else {
  const client = new Client({ token: token!, ...(process.env.QSTASH_URL ? { baseUrl: process.env.QSTASH_URL } : {}) });
  const { scheduleId } = await client.schedules.create(schedule);
  console.log(`QStash schedule ${scheduleId}: POST ${schedule.destination} on "${schedule.cron}"`);
}

function fail(message: string): never {
  console.error(`qstash:schedule: ${message}`);
  process.exit(2);
}
