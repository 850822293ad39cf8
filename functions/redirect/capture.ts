/**
 * Click capture, run after the response (never awaited by the redirect): build the ClickEvent and hand it to
 * the isolate's batch (click-batch.ts), which one request stores for all. Normal path: one XADD of the batch
 * to the click stream (field "e", functions/shared/click-event.ts), nothing else: the live figures read the
 * stream itself (functions/analytics/live.ts). If the XADD fails for any reason (Redis down, timeout, error reply) the batch goes to the Postgres
 * table click_inbox instead, one row per click keyed by the click id, which the ingest drains with the same
 * routine. A timeout may mean the XADD did land after all: then the clicks are in both places, and the
 * pipeline's idempotency on the click id keeps each counted once.
 *
 * The stream has no MAXLEN: trimming could drop entries the ingest has not read yet.
 */
import { classifyClick, type Classification } from "../shared/classify.ts";
import { encodeClickEntry, type ClickEvent } from "../shared/click-event.ts";
import type { Env } from "../shared/env.ts";
import type { Db } from "../../db/client.ts";
import { insertInboxEvents } from "../../db/queries/click-inbox.ts";
import type { AppRedis } from "../shared/redis.ts";
import { redisKeys } from "../shared/redis-keys.ts";
import { lowerWorkDue } from "../shared/work-due.ts";
import { clientIp, visitorHash } from "../shared/visitor.ts";
import { batcherFor, type BatchSettings, type PendingClick } from "./click-batch.ts";
import { formatChosenBy, type ChosenBy } from "./routing/index.ts";

/** Bounds on what a client controls, so one request cannot put kilobytes of junk into every later stage. */
const MAX_UA = 512;
const MAX_TEXT = 2048;
/** formatChosenBy writes at most "variant:" and an index; bounded anyway, as functions/ingest/limits.ts assumes. */
const MAX_CHOSEN_BY = 16;
const clip = (s: string | null | undefined, max: number) => (s ? s.slice(0, max) : null);

export interface Visit {
  request: Request;
  url: URL;
  slug: string;
  /** Epoch ms when the redirect was served. */
  ts: number;
  classification: Classification;
  /**
   * What classification, routing and the click event all read, read once: each Headers.get and the first
   * read of request.cf cross into the runtime, and a routed link used to read them twice.
   */
  ua: string;
  ip: string;
  geo: Geo | undefined;
}

/** request.cf's geolocation (absent locally). */
export type Geo = { country?: unknown; region?: unknown; city?: unknown };

/** A visit of /{slug}, as the request came. */
export function newVisit(request: Request, url: URL, slug: string, ts = Date.now()): Visit {
  const { headers } = request;
  const ua = headers.get("user-agent") ?? "";
  return {
    request, url, slug, ts, classification: classifyClick(request.method, headers, ua),
    ua, ip: clientIp(headers), geo: request.cf as Geo | undefined,
  };
}

/**
 * Where a visit was sent and why: `dest` the URL served (query forwarded), `url` the one chosen before that,
 * `by` what chose it (null when routing did not run: a fallback). null for all when withheld.
 */
export interface Sent {
  dest: string;
  url: string;
  by: ChosenBy | null;
}

/** `sent` is null when the destination was withheld (a preview of a limited link). */
export async function buildClickEvent(redis: AppRedis, visit: Visit, linkId: string, sent: Sent | null): Promise<ClickEvent> {
  const { ua, geo: cf } = visit;
  const geo = (v: unknown) => (typeof v === "string" && v ? v : null);
  return {
    id: crypto.randomUUID(),
    linkId,
    slug: visit.slug,
    ts: visit.ts,
    kind: visit.classification.kind,
    reason: visit.classification.reason,
    visitor: await visitorHash(redis, visit.ts, visit.ip, ua),
    ua: clip(ua, MAX_UA),
    referrer: clip(visit.request.headers.get("referer"), MAX_TEXT),
    country: geo(cf?.country),
    region: geo(cf?.region),
    city: geo(cf?.city),
    query: clip(visit.url.search.slice(1), MAX_TEXT),
    dest: clip(sent?.dest, MAX_TEXT),
    chosenUrl: clip(sent?.url, MAX_TEXT),
    chosenBy: sent?.by ? clip(formatChosenBy(sent.by), MAX_CHOSEN_BY) : null,
  };
}

/** Where a batch went: the stream, or (the XADD failed) the Postgres inbox. */
export type Stored = "stream" | "inbox";

/** Set when this isolate wrote clicks to the Postgres inbox: the next batch stored in Redis says they wait. */
let inboxWritten = false;

/**
 * Stores one batch with the flushing request's own client: ONE command, an XADD of the whole batch as one
 * entry (functions/shared/click-event.ts), which at a trickle is the whole Upstash cost of a click. If it
 * fails for any reason the batch goes to click_inbox (one row per click), and the isolate's next stored
 * batch makes Postgres work due (functions/shared/work-due.ts), so the cron drains the inbox without polling it.
 */
export async function storeClicks(redis: AppRedis, db: () => Db, clicks: readonly PendingClick[]): Promise<Stored> {
  let failure: string | undefined;
  try {
    const [xadd] = await redis.sendPipeline([["XADD", redisKeys.clickStream, "*", "e", encodeClickEntry(clicks.map((c) => c.json))]]);
    failure = xadd.error;
  } catch (e) {
    failure = e instanceof Error ? e.message : String(e);
  }
  if (failure === undefined) {
    if (inboxWritten) inboxWritten = !(await lowerWorkDue(redis));
    return "stream";
  }
  // bench/redirect.ts counts the clicks of these lines: keep "XADD of <n> click(s) failed".
  console.error(`capture: XADD of ${clicks.length} click(s) failed (${failure}), writing them to click_inbox`);
  // A timed-out XADD may have landed too: the click ids make the ingest count each click once.
  await insertInboxEvents(db(), clicks.map((c) => c.event));
  // Redis may still take a small command (the XADD can fail on its own, a timeout under load); if not, the
  // isolate's next batch that reaches Redis says it.
  inboxWritten = !(await lowerWorkDue(redis));
  return "inbox";
}

/** The batching settings of a configuration. */
export const batchSettings = (config: Env): BatchSettings => ({
  lingerMs: config.CAPTURE_LINGER_MS,
  maxClicks: config.CAPTURE_MAX_CLICKS,
  maxBytes: config.CAPTURE_MAX_BYTES,
  maxWaitMs: config.REDIS_TIMEOUT_MS,
});

/**
 * Hands one click to the isolate's batch (click-batch.ts). Resolves when this request's part is done; the
 * clients given here are used only if this request ends up sending a batch.
 */
export function captureClick(config: Env, redis: AppRedis, db: () => Db, event: ClickEvent): Promise<void> {
  const batcher = batcherFor(redis, batchSettings(config));
  return batcher.add({ event, json: JSON.stringify(event) }, async (clicks) => {
    await storeClicks(redis, db, clicks);
  });
}
