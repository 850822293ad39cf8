/**
 * Click capture, run after the response (never awaited by the redirect): build the ClickEvent and hand it to
 * the pipeline. Normal path: one Redis pipeline with XADD to the click stream (field "e" = JSON) plus the live
 * counters. If the XADD fails for any reason (Redis down, timeout, error reply) the event goes to the Postgres
 * table click_inbox instead, keyed by the click id, which the ingest drains with the same routine. A timeout
 * may mean the XADD did land after all: then the click is in both places, and the pipeline's idempotency on
 * the click id keeps it counted once.
 *
 * The stream has no MAXLEN: trimming could drop entries the ingest has not read yet.
 */
import type { Classification } from "../shared/classify.ts";
import type { ClickEvent } from "../shared/click-event.ts";
import type { Db } from "../../db/client.ts";
import { insertInboxEvents } from "../../db/queries/click-inbox.ts";
import type { AppRedis } from "../shared/redis.ts";
import { redisKeys } from "../shared/redis-keys.ts";
import { clientIp, visitorHash } from "../shared/visitor.ts";

/** Bounds on what a client controls, so one request cannot put kilobytes of junk into every later stage. */
const MAX_UA = 512;
const MAX_TEXT = 2048;
const clip = (s: string | null | undefined, max: number) => (s ? s.slice(0, max) : null);

export interface Visit {
  request: Request;
  url: URL;
  slug: string;
  /** Epoch ms when the redirect was served. */
  ts: number;
  classification: Classification;
}

/** `dest` is where the visitor was sent; null when the destination was withheld (a preview of a limited link). */
export async function buildClickEvent(redis: AppRedis, visit: Visit, linkId: string, dest: string | null): Promise<ClickEvent> {
  const { headers } = visit.request;
  const ua = headers.get("user-agent") ?? "";
  const cf = visit.request.cf as { country?: unknown; region?: unknown; city?: unknown } | undefined;
  const geo = (v: unknown) => (typeof v === "string" && v ? v : null);
  return {
    id: crypto.randomUUID(),
    linkId,
    slug: visit.slug,
    ts: visit.ts,
    kind: visit.classification.kind,
    reason: visit.classification.reason,
    visitor: await visitorHash(redis, visit.ts, clientIp(headers), ua),
    ua: clip(ua, MAX_UA),
    referrer: clip(headers.get("referer"), MAX_TEXT),
    country: geo(cf?.country),
    region: geo(cf?.region),
    city: geo(cf?.city),
    query: clip(visit.url.search.slice(1), MAX_TEXT),
    dest: clip(dest, MAX_TEXT),
  };
}

export interface RecordOptions {
  redis: AppRedis;
  db: () => Db;
  event: ClickEvent;
  /** False when the maxClicks script already counted this human click. */
  countHuman: boolean;
}

/** Queues the click and bumps the live counters; falls back to the Postgres inbox when the XADD fails. */
export async function recordClick({ redis, db, event, countHuman }: RecordOptions): Promise<"stream" | "inbox"> {
  const commands: (string | number)[][] = [
    ["XADD", redisKeys.clickStream, "*", "e", JSON.stringify(event)],
    ["INCR", redisKeys.allClicks(event.linkId)],
  ];
  if (countHuman && event.kind === "human") commands.push(["INCR", redisKeys.humanClicks(event.linkId)]);
  let failure: string | undefined;
  try {
    const [xadd, ...counters] = await redis.sendPipeline(commands);
    failure = xadd.error;
    for (const c of counters) if (c.error) console.error(`click ${event.id}: live counter not bumped: ${c.error}`);
  } catch (e) {
    failure = e instanceof Error ? e.message : String(e);
  }
  if (failure === undefined) return "stream";
  console.error(`click ${event.id}: XADD failed (${failure}), writing it to click_inbox`);
  // Counters are live figures only; the click rows the ingest writes stay exact without them.
  await insertInboxEvents(db(), [event]);
  return "inbox";
}
