/** Shared by the analytics tests: a database handle, links and API keys to read stats with. */
import { env, exports } from "cloudflare:workers";
import { apiKeys, links } from "../../db/schema.ts";
import { randomBase62, sha256Hex } from "../../functions/shared/crypto.ts";
import { createDb } from "../../db/client.ts";
import { parseEnv } from "../../functions/shared/env.ts";
import type { Scope } from "../../functions/shared/auth/scopes.ts";

export const config = parseEnv(env as unknown as Record<string, unknown>);

/** One Postgres pool for a test file; call `end()` in afterAll. */
export function openDb() {
  return createDb(config);
}
type Db = ReturnType<typeof openDb>["db"];

/** Inserts a link with a random id and slug; returns both. */
export async function makeLink(db: Db, slug = `t-${randomBase62(10)}`) {
  const id = `lnk_${randomBase62(12)}`;
  await db.insert(links).values({ id, slug, url: "https://example.com/" });
  return { id, slug };
}

/** Mints an API key with `scopes` the way keys are stored (SHA-256 hex of the whole key). */
export async function mintKey(db: Db, scopes: Scope[], opts: { revoked?: boolean } = {}): Promise<string> {
  const key = `emu_test_${randomBase62(24)}`;
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

/**
 * GET through the Worker. The body is read at once (and served again from memory), so the request and the
 * Postgres pool it closes in waitUntil finish before the test moves on.
 */
export async function get(path: string, key: string | null = config.ADMIN_API_KEY, headers: Record<string, string> = {}) {
  const res = await exports.default.fetch(`http://sho.rt${path}`, {
    headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...headers },
  });
  return new Response(await res.arrayBuffer(), { status: res.status, headers: res.headers });
}

/** GET that must answer 200 JSON; returns the parsed body. */
export async function getJson<T = any>(path: string, key?: string): Promise<T> {
  const res = await get(path, key);
  const text = await res.text();
  if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${text}`);
  return JSON.parse(text) as T;
}
