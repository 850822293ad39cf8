/**
 * Helpers for the redirect tests: links are made the way the links API stores them (a row in `links`, and
 * optionally the Redis entry it writes through), requests come from visitors (no API key), and each test's
 * traces (rows, Redis keys, stream entries, inbox rows) are removed afterwards since Redis and Postgres are shared.
 */
import { inArray, sql } from "drizzle-orm";
import { expect } from "vitest";
import { clickInbox, links, type LinkRow } from "../../db/schema.ts";
import { entryClicks, type ClickEvent } from "../../functions/shared/click-event.ts";
import { randomBase62 } from "../../functions/shared/crypto.ts";
import { redisKeys } from "../../functions/shared/redis-keys.ts";
import { withDb } from "./db.ts";
import { redis } from "./redis.ts";
import type { WorkerCallOptions } from "./worker.ts";

export const BROWSER_UA =
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36";

/** Call options of a visitor: no API key, these headers only. */
export const visitor = (headers: Record<string, string> = {}): WorkerCallOptions => ({ key: null, headers });

/** Call options of a person in a desktop browser. */
export const human = (headers: Record<string, string> = {}) => visitor({ "user-agent": BROWSER_UA, ...headers });

/** Call options of that person posting a form, `body` encoded as the browser sends it. */
export const humanForm = (body: string | URLSearchParams, headers: Record<string, string> = {}): WorkerCallOptions => ({
  ...human({ "content-type": "application/x-www-form-urlencoded", ...headers }),
  raw: body,
});

/** Asserts a problem+json answer of `status` that explains itself; returns its body. */
export async function expectProblem(res: Response, status: number) {
  expect(res.status).toBe(status);
  expect(res.headers.get("content-type")).toBe("application/problem+json");
  const body = (await res.json()) as { status: number; title: string; detail: string };
  expect(body.status).toBe(status);
  expect(body.detail).toBeTruthy();
  return body;
}

/** Tracks what a test file creates so that cleanup() removes exactly that. */
export class Fixtures {
  readonly rows: LinkRow[] = [];
  readonly slugs = new Set<string>();

  slug(prefix = "t"): string {
    const s = `${prefix}${randomBase62(12)}`;
    this.slugs.add(s);
    return s;
  }

  async link(fields: Partial<typeof links.$inferInsert> & { url: string }): Promise<LinkRow> {
    const values = { id: `lnk_${randomBase62(16)}`, slug: this.slug(), ...fields };
    this.slugs.add(values.slug);
    const [row] = await withDb((db) => db.insert(links).values(values).returning());
    this.rows.push(row);
    return row;
  }

  /** Click events of one link on the stream, oldest first. */
  async events(linkId: string): Promise<ClickEvent[]> {
    return (await streamEntries(linkId)).map(([, e]) => e);
  }

  /** [stream entry id, click] of one link; a capture batch's id appears once per click of the link in it. */
  entries(linkId: string): Promise<[string, ClickEvent][]> {
    return streamEntries(linkId);
  }

  async inbox(linkId: string): Promise<ClickEvent[]> {
    const rows = await withDb((db) =>
      db.select().from(clickInbox).where(sql`${clickInbox.event}->>'linkId' = ${linkId}`),
    );
    return rows.map((r) => r.event as ClickEvent);
  }

  async cleanup(): Promise<void> {
    const ids = this.rows.map((r) => r.id);
    const keys = [...this.slugs].map(redisKeys.link);
    for (const id of ids) keys.push(redisKeys.clickClaims(id));
    if (keys.length) await redis.del(...keys);
    const entries = [...new Set((await Promise.all(ids.map(streamEntries))).flat().map(([id]) => id))];
    if (entries.length) await redis.xdel(redisKeys.clickStream, entries);
    if (ids.length) {
      await withDb(async (db) => {
        await db.delete(clickInbox).where(sql`${clickInbox.event}->>'linkId' in ${ids}`);
        await db.delete(links).where(inArray(links.id, ids));
      });
    }
    this.rows.length = 0;
    this.slugs.clear();
  }
}

/**
 * Removes from the click stream every entry holding a click of these links (a batch goes whole), so a later
 * ingest run does not count clicks of links a test has deleted: the dashboard's browser test expects its own
 * link among the top links of the last 24 hours.
 */
export async function dropStreamClicks(linkIds: string[]): Promise<void> {
  const entries = [...new Set((await Promise.all(linkIds.map(streamEntries))).flat().map(([id]) => id))];
  if (entries.length) await redis.xdel(redisKeys.clickStream, entries);
}

/**
 * The clicks of one stream entry's field "e": one ClickEvent, or a capture batch of them (the formats are in
 * functions/shared/click-event.ts). The stream is shared with other test files, whose poison-entry tests put
 * unparsable entries on it: those hold no click.
 */
function entryEvents(e: unknown): Partial<ClickEvent>[] {
  let value = e;
  if (typeof e === "string") {
    try {
      value = JSON.parse(e);
    } catch {
      return [];
    }
  }
  if (!value || typeof value !== "object") return [];
  const batch = entryClicks(value);
  return "clicks" in batch ? (batch.clicks.filter((c) => c && typeof c === "object") as Partial<ClickEvent>[]) : [];
}

/** [entry id, click] for each click of the link on the stream, oldest first (an entry id repeats within a batch). */
async function streamEntries(linkId: string): Promise<[string, ClickEvent][]> {
  const all = await redis.xrange(redisKeys.clickStream, "-", "+");
  return Object.entries(all).flatMap(([id, fields]) =>
    entryEvents((fields as { e: unknown }).e)
      .filter((e) => e.linkId === linkId)
      .map((e) => [id, e as ClickEvent] as [string, ClickEvent]),
  );
}
