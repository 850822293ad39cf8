/**
 * Clicks for tests, produced exactly as the redirect produces them: a ClickEvent XADDed to the click stream
 * as field "e", or (Redis down) inserted into click_inbox. This is the seam to switch to the real redirect.
 */
import type { Redis } from "@upstash/redis/cloudflare";
import { encodeClickEntry, type ClickEvent } from "../../functions/shared/click-event.ts";
import type { Db } from "../../db/client.ts";
import { insertInboxEvents } from "../../db/queries/click-inbox.ts";
import { redisKeys } from "../../functions/shared/redis-keys.ts";

export const UA = {
  chromeWindows: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
  safariIphone: "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
  firefoxLinux: "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
  googlebot: "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
} as const;

export const uid = (prefix = "") => `${prefix}${crypto.randomUUID().replaceAll("-", "")}`;

export function makeClick(overrides: Partial<ClickEvent> = {}): ClickEvent {
  return {
    id: crypto.randomUUID(),
    linkId: overrides.linkId ?? uid("lnk_"),
    slug: "s",
    ts: Date.now(),
    kind: "human",
    reason: null,
    visitor: uid("v").padEnd(64, "0"),
    ua: UA.chromeWindows,
    referrer: null,
    country: null,
    region: null,
    city: null,
    query: null,
    dest: "https://example.com/",
    ...overrides,
  };
}

/** XADD each event (or a raw field value, for poison tests) to the click stream; returns the entry ids. */
export async function xadd(redis: Redis, values: (ClickEvent | string)[]): Promise<string[]> {
  if (!values.length) return [];
  const p = redis.pipeline();
  for (const v of values) p.xadd(redisKeys.clickStream, "*", { e: typeof v === "string" ? v : JSON.stringify(v) });
  return (await p.exec()) as string[];
}

/** What the redirect does when Redis is down. */
export async function insertInbox(db: Db, events: ClickEvent[]): Promise<void> {
  await insertInboxEvents(db, events);
}

export async function enqueue(deps: { redis: Redis; db: Db }, events: ClickEvent[], via: "stream" | "inbox" = "stream") {
  if (via === "stream") await xadd(deps.redis, events);
  else await insertInbox(deps.db, events);
}

/** XADD the events as ONE capture batch entry (field "e" = {"v":2,"clicks":[...]}), as the redirect sends them. */
export async function xaddBatch(redis: Redis, events: ClickEvent[]): Promise<string> {
  return (await redis.xadd(redisKeys.clickStream, "*", { e: encodeClickEntry(events.map((e) => JSON.stringify(e))) })) as string;
}
