/**
 * One health run of the cron: the links most overdue for a check (at most HEALTH_CHECKS_PER_RUN, by PLAN),
 * their destinations checked a few at a time, and what was found recorded in one statement (a change of
 * status is a `link.health` webhook, written in that statement). Cost: two Postgres statements and up to 6
 * subrequests a link (docs/abuse.md, "Link health").
 */
import type { Redis } from "@upstash/redis/cloudflare";
import type { Db } from "../../db/client.ts";
import { claimDueLinks, recordHealth, type DueLink, type HealthRecord } from "../../db/queries/link-health.ts";
import type { Env } from "../shared/env.ts";
import { writeThrough } from "../redirect/link-cache/index.ts";
import { checkLinkDestination, type CheckOutcome } from "./check.ts";
import { judgeHealth } from "./classify.ts";

/** Checks in flight at once within a run. */
const PARALLEL = 10;

/**
 * Safe Browsing's verdict on each of `urls`: the threat type (e.g. SOCIAL_ENGINEERING) of a flagged one, null
 * for one not flagged; a URL absent from the map was not judged.
 */
export type CheckUnsafe = (urls: string[]) => Promise<Map<string, string | null>>;

export interface HealthRunOptions {
  db: Db;
  env: Env;
  redis: Redis;
  waitUntil(p: Promise<unknown>): void;
  /** Asked about the destinations checked, when given; a flagged one becomes "unsafe" and gets a warning. */
  checkUnsafe?: CheckUnsafe;
  /** The fetch of the checks (the runtime's by default). */
  fetch?: typeof fetch;
}

export interface HealthRunResult {
  checked: number;
  broken: number;
  unsafe: number;
  /** Destinations on a host that is not public: never fetched. */
  refused: number;
}

/** The user agent of every check, so a site's operator can tell what it is and whose (docs/abuse.md). */
export const healthUserAgent = (env: Pick<Env, "PUBLIC_BASE_URL">) =>
  env.PUBLIC_BASE_URL ? `EatMyURL-LinkHealth/1 (+${env.PUBLIC_BASE_URL.replace(/\/+$/, "")})` : "EatMyURL-LinkHealth/1";

/** Runs `work` over `items`, at most `n` at a time, results in order. */
async function pooled<T, R>(items: T[], n: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await work(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, lane));
  return out;
}

export async function runHealthChecks(o: HealthRunOptions): Promise<HealthRunResult> {
  const { env } = o;
  const result: HealthRunResult = { checked: 0, broken: 0, unsafe: 0, refused: 0 };
  if (env.HEALTH_CHECK_DAYS === 0) return result;
  // A run that dies after the claim leaves its links due again once every check could have ended.
  const leaseMs = 10 * 60_000;
  const due = await claimDueLinks(o.db, env.HEALTH_CHECKS_PER_RUN, leaseMs);
  if (!due.length) return result;
  const options = { timeoutMs: env.HEALTH_CHECK_TIMEOUT_MS, allowLoopback: env.HEALTH_ALLOW_LOOPBACK, userAgent: healthUserAgent(env), fetch: o.fetch };
  const outcomes = await pooled(due, PARALLEL, (link) => checkLinkDestination(link.url, options));
  const verdicts = await unsafeVerdicts(o.checkUnsafe, due, outcomes);
  const now = new Date();
  const records: HealthRecord[] = due.map((link, i) => {
    const outcome = outcomes[i];
    const { health, dueInMs } = judgeHealth(link.health, outcome, now, env.HEALTH_CHECK_DAYS);
    const threat = verdicts.get(link.url);
    const record: HealthRecord = { id: link.id, url: link.url, health, dueAt: new Date(now.getTime() + dueInMs), warning: null };
    if (threat && health) {
      record.health = { ...health, status: "unsafe", reason: `safe-browsing:${threat}` };
      record.warning = `Google Safe Browsing: ${threat}`;
      result.unsafe++;
    } else if (health?.status === "broken") result.broken++;
    if (outcome.kind === "private-host") result.refused++;
    else result.checked++;
    return record;
  });
  const { warned } = await recordHealth(o.db, records);
  // A warning changes what visitors get: the cached entries of those links are rewritten now.
  if (warned.length) await writeThrough(o.redis, { waitUntil: o.waitUntil }, warned);
  return result;
}

/** The verdicts on the destinations that were fetched; none without `checkUnsafe`, or when it fails. */
async function unsafeVerdicts(checkUnsafe: CheckUnsafe | undefined, due: DueLink[], outcomes: CheckOutcome[]): Promise<Map<string, string | null>> {
  const urls = [...new Set(due.filter((_, i) => outcomes[i].kind !== "private-host").map((l) => l.url))];
  if (!checkUnsafe || !urls.length) return new Map();
  try {
    return await checkUnsafe(urls);
  } catch (e) {
    console.error("health: Safe Browsing did not answer; destinations judged by their answers alone:", e instanceof Error ? e.message : e);
    return new Map();
  }
}
