/**
 * Helpers for the redirect tests: links are made the way the links API stores them (a row in `links`, and
 * optionally the Redis entry it writes through), requests go to the real Worker, and each test's traces (rows,
 * Redis keys, stream entries, inbox rows) are removed afterwards since Redis and Postgres are shared.
 */
import { env } from "cloudflare:workers";
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { inArray, sql } from "drizzle-orm";
import { clickInbox, links, type LinkRow } from "../db/schema.ts";
import type { ClickEvent } from "../functions/shared/click-event.ts";
import { randomBase62 } from "../functions/shared/crypto.ts";
import { parseEnv } from "../functions/shared/env.ts";
import { redisKeys } from "../functions/shared/redis-keys.ts";
import { createRedis } from "../functions/shared/redis.ts";
import worker from "../workers/index.ts";
import { withDb } from "./api.ts";

export { withDb };

export const bindings = env as unknown as Record<string, unknown>;
export const config = parseEnv(bindings);
/** The production client, with a patient timeout: tests read what the Worker wrote. */
export const redis = createRedis(config, 5000);

export const BROWSER_UA =
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36";
export const human = (headers: Record<string, string> = {}) => ({ headers: { "user-agent": BROWSER_UA, ...headers } });

/** The same bindings with some settings changed (a new object: the Worker parses it afresh). */
export const withSettings = (settings: Record<string, string>) => ({ ...bindings, ...settings });


/**
 * Calls the Worker and waits for everything it deferred (cache fills, click capture) before returning, so a
 * test can then look at Redis and Postgres without sleeping.
 */
export async function visit(path: string, init: RequestInit = {}, on: Record<string, unknown> = bindings): Promise<Response> {
  const ctx = createExecutionContext();
  const request = new Request(`http://sho.rt${path}`, init) as Parameters<typeof worker.fetch>[0];
  const res = await worker.fetch(request, on, ctx);
  await waitOnExecutionContext(ctx);
  return res;
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

  async inbox(linkId: string): Promise<ClickEvent[]> {
    const rows = await withDb((db) =>
      db.select().from(clickInbox).where(sql`${clickInbox.event}->>'linkId' = ${linkId}`),
    );
    return rows.map((r) => r.event as ClickEvent);
  }

  async cleanup(): Promise<void> {
    const ids = this.rows.map((r) => r.id);
    const keys = [...this.slugs].map(redisKeys.link);
    for (const id of ids) keys.push(redisKeys.humanClicks(id), redisKeys.allClicks(id));
    if (keys.length) await redis.del(...keys);
    const entries = (await Promise.all(ids.map(streamEntries))).flat().map(([id]) => id);
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

/** The stream is shared with other test files, whose poison-entry tests put unparsable entries on it. */
function parseEntry(e: unknown): Partial<ClickEvent> | null {
  if (typeof e !== "string") return e && typeof e === "object" ? (e as Partial<ClickEvent>) : null;
  try {
    return JSON.parse(e) as Partial<ClickEvent>;
  } catch {
    return null;
  }
}

async function streamEntries(linkId: string): Promise<[string, ClickEvent][]> {
  const all = await redis.xrange(redisKeys.clickStream, "-", "+");
  return Object.entries(all)
    .map(([id, fields]) => [id, parseEntry((fields as { e: unknown }).e)] as const)
    .filter((entry): entry is readonly [string, ClickEvent] => entry[1]?.linkId === linkId)
    .map(([id, e]) => [id, e]);
}
