/** Shared by the analytics tests: links and API keys put straight into Postgres, and stats read through the Worker. */
import { openDb } from "./db.ts";
import { afterAll } from "vitest";
import { KEY_PREFIX, KEY_RANDOM_CHARS } from "../../functions/shared/auth/key-format.ts";
import { apiKeys, links } from "../../db/schema.ts";
import type { Db } from "../../db/client.ts";
import type { Scope } from "../../functions/shared/auth/scopes.ts";
import { randomBase62, sha256Hex } from "../../functions/shared/crypto.ts";
import { redisKeys } from "../../functions/shared/redis-keys.ts";
import { makeClick, xaddBatch } from "./clicks.ts";
import { flush } from "./ingest.ts";
import { redis } from "./redis.ts";
import { call } from "./worker.ts";

/** Inserts a link with a random id and slug; returns both. */
export async function makeLink(db: Db, slug = `t-${randomBase62(10)}`) {
  const id = `lnk_${randomBase62(12)}`;
  await db.insert(links).values({ id, slug, url: "https://example.com/" });
  return { id, slug };
}

/** Inserts an API key with `scopes` the way keys are stored (SHA-256 hex of the whole key); returns the key. */
export async function insertKey(db: Db, scopes: Scope[], opts: { revoked?: boolean } = {}): Promise<string> {
  // The shape of a minted key: anything else is refused before any lookup.
  const key = KEY_PREFIX + randomBase62(KEY_RANDOM_CHARS);
  await db.insert(apiKeys).values({
    id: `key_${randomBase62(12)}`,
    name: `analytics test ${scopes.join(" ")}`,
    prefix: key.slice(0, 12),
    hash: await sha256Hex(key),
    scopes,
    revokedAt: opts.revoked ? new Date() : null,
  });
  return key;
}

/** GET through the Worker with `key` (ADMIN_API_KEY when not given, none when null). */
export function get(path: string, key?: string | null, headers: Record<string, string> = {}): Promise<Response> {
  return call("GET", path, { key, headers });
}

/** GET that must answer 200 JSON; returns the parsed body. */
export async function getJson<T = any>(path: string, key?: string): Promise<T> {
  const res = await get(path, key);
  const text = await res.text();
  if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${text}`);
  return JSON.parse(text) as T;
}

/**
 * Links with clicks waiting in the click stream, served but not ingested, as the redirect leaves them: the
 * live figures count them. The stream is drained first (a flush, once a file), so earlier files' entries cannot push these
 * past the live read's bound; afterAll deletes exactly the entries a file added, so no later ingest takes them.
 */
export class WaitingClicks {
  private readonly entries: string[] = [];
  private drained = false;

  /** A new link with `all` clicks waiting, `humans` of them human (the rest bots), in one capture batch. */
  async link(db: Db, all: number, humans: number) {
    const link = await makeLink(db);
    if (all) {
      if (!this.drained) await flush();
      this.drained = true;
      const events = Array.from({ length: all }, (_, i) => makeClick({ linkId: link.id, slug: link.slug, kind: i < humans ? "human" : "bot" }));
      this.entries.push(await xaddBatch(redis, events));
    }
    return link;
  }

  async cleanup(): Promise<void> {
    if (this.entries.length) await redis.xdel(redisKeys.clickStream, this.entries);
  }
}

/** A Postgres pool and WaitingClicks for one test file; both are cleaned up after its last test. */
export function waitingClicksOfFile() {
  const { db, pool } = openDb();
  const waiting = new WaitingClicks();
  afterAll(async () => {
    await waiting.cleanup();
    await pool.end();
  });
  return { db, waiting };
}
