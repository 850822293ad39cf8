/**
 * The one typed environment. Bindings arrive untyped from wrangler (secrets, vars); they are parsed with zod
 * once per env object at the boundary, so a missing or malformed setting fails with its name in a
 * problem+json 500 instead of somewhere deep inside a request.
 */
import { z } from "zod";
import { CAPTURE_MAX_BYTES_LIMIT } from "./click-event.ts";
import { webhookEnv } from "../webhooks/settings.ts";
import { healthEnv } from "../health/settings.ts";
import { planEnv, withPlanDefaults } from "./plan.ts";
import { checkOidcTogether, oidcEnv } from "../dashboard/oidc/settings.ts";
import { abuseEnv } from "../abuse/settings.ts";

const intVar = (def: number, min = 0, max = Number.MAX_SAFE_INTEGER) => z.coerce.number().int().min(min).max(max).default(def);

const settings = z.object({
  UPSTASH_REDIS_REST_URL: z.url({ protocol: /^https?$/ }),
  UPSTASH_REDIS_REST_TOKEN: z.string().min(1),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, "must be a postgres:// connection string"),
  ADMIN_API_KEY: z.string().min(16, "must be at least 16 characters"),
  /**
   * Origin of short URLs, e.g. https://eat.my. Answers to a request fall back to the origin it arrived on;
   * what is sent to third parties (webhooks, QStash callbacks) never does (functions/shared/public-base-url.ts).
   */
  PUBLIC_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
  QSTASH_TOKEN: z.string().min(1).optional(),
  QSTASH_CURRENT_SIGNING_KEY: z.string().min(1).optional(),
  QSTASH_NEXT_SIGNING_KEY: z.string().min(1).optional(),
  /** Local development only: host:port/path of the Neon WebSocket proxy in front of a plain Postgres. */
  NEON_WS_PROXY: z.string().min(1).optional(),
  /** Seconds an isolate keeps a link in memory; 0 turns that cache off. */
  LINK_CACHE_SECONDS: intVar(5),
  /**
   * Random secret (32 bytes or more) behind the keys that sign and encrypt dashboard sessions and sign list
   * cursors. Required by those features (functions/shared/secret-keys.ts); the redirect runs without it.
   */
  SESSION_SECRET: z
    .string()
    .refine((s) => new TextEncoder().encode(s).length >= 32, "must be at least 32 bytes")
    .refine((s) => new Set(s).size >= 8, "must be random (it has fewer than 8 distinct characters)")
    .optional(),
  /** Milliseconds after which a Redis call on the redirect path is abandoned. */
  REDIS_TIMEOUT_MS: intVar(1000, 1),
  /** Requests per API key per minute (sliding window, @upstash/ratelimit); 0 turns rate limiting off. */
  RATE_LIMIT_PER_MINUTE: intVar(600),
  /** Failed authentications per client IP and minute before 429 (they no longer reach Postgres then). */
  AUTH_FAILURES_PER_MINUTE: intVar(20),
  /**
   * Redirect lookups per visitor IP and minute that may reach Postgres (a slug neither in Redis nor known to
   * be missing), before 429: bounds what a scanner of random slugs costs. 0 turns the budget off.
   */
  POSTGRES_LOOKUPS_PER_MINUTE: intVar(60),
  /** Wrong passwords per protected link and visitor IP in 15 minutes before 429; right ones never count. */
  PASSWORD_FAILURES_PER_CLIENT: intVar(10),
  /** Wrong passwords per protected link from all visitors together in 15 minutes before 429. */
  PASSWORD_FAILURES_PER_LINK: intVar(100),
  /** Link reports (GET /report, POST /api/v1/reports) per client IP in 10 minutes before 429; 0 turns it off. */
  REPORTS_PER_CLIENT: intVar(5),
  /** Link reports from everyone together per hour before 429 (a flood from many addresses); 0 turns it off. */
  REPORTS_PER_HOUR: intVar(200),
  /**
   * Click capture gathers the clicks of concurrent requests of an isolate into one Redis request
   * (functions/redirect/click-batch.ts): the first click of a batch waits this long for others (0 = none).
   */
  CAPTURE_LINGER_MS: intVar(5, 0, 1000),
  /**
   * A batch is sent at once when it holds CAPTURE_MAX_CLICKS clicks (planEnv) or this many bytes of click JSON:
   * well under Upstash's request size limit (1 MB on the smallest plan), since the pipeline's JSON escapes the
   * entry once more. Both default by PLAN (functions/shared/plan.ts).
   */
  CAPTURE_MAX_BYTES: z.coerce.number().int().min(1024).max(CAPTURE_MAX_BYTES_LIMIT).optional(),
  /** Clicks one ingest transaction commits at most (a stream entry, one click or a capture batch, stays whole). */
  INGEST_BATCH_SIZE: intVar(10_000, 1, 50_000),
  /** Milliseconds after which an ingest run starts no new batch (Workers cap a cron run's wall time). */
  INGEST_BUDGET_MS: intVar(20_000, 1),
  /**
   * Seconds the oldest waiting click may wait before the cron ingests (it ingests at every run once it is
   * that old). 0: every minute. An hour lets Neon's compute sleep between hourly ingests at a trickle
   * (docs/cost.md); the live figures read the stream meanwhile.
   */
  INGEST_DELAY_SECONDS: intVar(0, 0, 86_400),
  /** Milliseconds an entry stays delivered-but-unacknowledged before another run claims it (dead run). */
  INGEST_CLAIM_IDLE_MS: intVar(60_000, 0),
  /** Days raw clicks are kept; rollups are kept forever. */
  RAW_RETENTION_DAYS: intVar(90, 1),
  /** Rows one retention DELETE removes; how many such statements a cron run makes when RETENTION_BUDGET_MS is 0. */
  RETENTION_CHUNK_ROWS: intVar(5000, 1),
  RETENTION_MAX_CHUNKS: intVar(4, 0),
  /**
   * Bytes one Redis request or reply of the ingest may carry (a read is sized to fit, a larger one is asked
   * again smaller): keep it under Upstash's max request size (10 MB on the free and pay-as-you-go plans).
   */
  INGEST_REDIS_BYTES: intVar(8_000_000, 100_000),
  /** Bytes of parsed clicks one ingest commit may carry besides INGEST_BATCH_SIZE (its memory and request size). */
  INGEST_COMMIT_BYTES: intVar(6_000_000, 10_000),
  /** Deliveries without a commit (runs that died on it) after which a stream entry becomes a dead letter. */
  INGEST_MAX_DELIVERIES: intVar(5, 3, 100),
  /**
   * Milliseconds a retention run may go on deleting chunks while a full chunk was deleted: it clears any
   * backlog a minute's ingest can make. 0 keeps the fixed bound of RETENTION_MAX_CHUNKS chunks a run instead.
   */
  RETENTION_BUDGET_MS: intVar(10_000, 0),
  /** Webhook delivery (functions/webhooks/settings.ts; docs/webhooks.md). */
  ...webhookEnv,
  /** Link health checks (functions/health/settings.ts; docs/abuse.md, "Link health"). */
  ...healthEnv,
  /** PLAN and the settings whose default follows from it (functions/shared/plan.ts). */
  ...planEnv,
  /** Single sign-on of people through the organisation's identity provider (functions/dashboard/oidc/settings.ts). */
  ...oidcEnv,
  /** Checks of link destinations: Google Safe Browsing (functions/abuse/settings.ts). */
  ...abuseEnv,
});

export const envSchema = settings.superRefine(checkOidcTogether).transform(withPlanDefaults);

export type Env = z.output<typeof envSchema>;
/** What the runtime hands us before validation. */
export type RawEnv = Record<string, unknown>;

export class EnvError extends Error {
  constructor(readonly settings: { path: string; message: string }[]) {
    super(`invalid configuration: ${settings.map((s) => `${s.path} ${s.message}`).join("; ")}`);
  }
}

// Isolate-lifetime memo: the runtime hands the same env object to every request of an isolate, so parsing
// (and logging a failure) happens once per isolate, not once per request.
const parsed = new WeakMap<object, Env | EnvError>();

export function parseEnv(raw: RawEnv): Env {
  let result = parsed.get(raw);
  if (!result) {
    const r = envSchema.safeParse(raw);
    result = r.success
      ? r.data
      : new EnvError(r.error.issues.map((i) => ({
          path: i.path.join("."),
          message: raw[String(i.path[0])] === undefined ? "is not set" : i.message,
        })));
    if (result instanceof EnvError) console.error(result.message);
    parsed.set(raw, result);
  }
  if (result instanceof EnvError) throw result;
  return result;
}
