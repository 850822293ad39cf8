/**
 * The domains as the redirect needs them: which hosts are custom domains, and each domain's root and
 * not-found redirects, as one small table. Tiers, like the link cache: this isolate's copy (per configuration,
 * LINK_CACHE_SECONDS), Redis domains:table (DOMAIN_TABLE_TTL_SECONDS), Postgres.
 *
 * Requests on the default domain's host never need it to find a link, so their hits cost nothing more than
 * before; a request on another host needs it to tell a custom domain from an unknown host, and when this
 * isolate has no fresh copy, find-link.ts fetches it in the same MGET as the link's entry (one round trip).
 * Root and not-found answers read it too (they are not the hot path, and the isolate copy usually serves).
 *
 * Coherence: the domains API deletes the Redis copy after its commit (retried like the link cache's
 * write-through) and drops this isolate's. A fill from Postgres is checked as fill.ts checks links: Postgres
 * is read again after the SET and the entry deleted if it changed meanwhile, so a fill racing a change cannot
 * leave a stale table behind. Other isolates keep theirs for LINK_CACHE_SECONDS at most.
 */
import type { Redis } from "@upstash/redis/cloudflare";
import type { Db } from "../../db/client.ts";
import { selectDomains, type DomainRedirectsRow } from "../../db/queries/domains.ts";
import { DEFAULT_DOMAIN_ROW } from "../../db/schema.ts";
import type { Env } from "../shared/env.ts";
import { redisKeys } from "../shared/redis-keys.ts";
import { LinkStoreUnavailable } from "./link-cache/get-link.ts";
import { RETRY_DELAYS_MS } from "./link-cache/write-through.ts";

/** An hour: the table is deleted on every change, so the TTL only bounds a leftover after a failed delete. */
export const DOMAIN_TABLE_TTL_SECONDS = 3600;

export interface DomainRedirects {
  rootRedirect: string | null;
  notFoundRedirect: string | null;
}

export interface DomainTable {
  /** The default domain's redirects. */
  defaultDomain: DomainRedirects;
  /** Custom domains by hostname. */
  custom: Record<string, DomainRedirects>;
}

export function toDomainTable(rows: DomainRedirectsRow[]): DomainTable {
  const table: DomainTable = { defaultDomain: { rootRedirect: null, notFoundRedirect: null }, custom: {} };
  for (const r of rows) {
    const redirects = { rootRedirect: r.rootRedirect, notFoundRedirect: r.notFoundRedirect };
    if (r.hostname === DEFAULT_DOMAIN_ROW) table.defaultDomain = redirects;
    else table.custom[r.hostname] = redirects;
  }
  return table;
}

/** A value Redis held as a table; null when absent or not one of ours. */
export function parseDomainTable(v: unknown): DomainTable | null {
  if (!v || typeof v !== "object") return null;
  const t = v as Partial<DomainTable>;
  return t.defaultDomain && typeof t.defaultDomain === "object" && t.custom && typeof t.custom === "object" ? (t as DomainTable) : null;
}

// Isolate-lifetime memo per configuration (a test may point one at another database): plain data only.
const memo = new WeakMap<object, { table: DomainTable; expires: number }>();

export function isolateDomainTable(config: Env, now = Date.now()): DomainTable | undefined {
  const hit = memo.get(config);
  return hit && hit.expires > now ? hit.table : undefined;
}

function rememberTable(config: Env, table: DomainTable) {
  if (config.LINK_CACHE_SECONDS > 0) memo.set(config, { table, expires: Date.now() + config.LINK_CACHE_SECONDS * 1000 });
}

export interface DomainServices {
  config: Env;
  redis: Redis;
  db: () => Db;
  defer: (label: string, task: () => Promise<unknown>) => void;
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * The table: this isolate's copy, else what Redis held (`fetched`, when the caller already read
 * domains:table; else a GET), else Postgres (filling Redis after the response). Throws when neither Redis nor
 * Postgres answers.
 */
export async function getDomainTable(s: DomainServices, fetched?: { raw: unknown } | { failed: true }): Promise<DomainTable> {
  const hit = isolateDomainTable(s.config);
  if (hit) return hit;
  let redisUp = true;
  let raw: unknown = null;
  if (fetched && "failed" in fetched) redisUp = false;
  else if (fetched) raw = fetched.raw;
  else {
    try {
      raw = await s.redis.get(redisKeys.domainTable);
    } catch (e) {
      redisUp = false;
      console.error(`redirect: redis read of the domain table failed, reading Postgres: ${message(e)}`);
    }
  }
  let table = parseDomainTable(raw);
  if (!table) {
    try {
      table = toDomainTable(await selectDomains(s.db()));
    } catch (e) {
      console.error(`redirect: postgres read of the domain table failed: ${message(e)}`);
      throw new LinkStoreUnavailable("no store answered for the domain table");
    }
    const seen = table;
    if (redisUp) s.defer("redirect: domain table fill", () => fillDomainTable(s.redis, s.db(), seen));
  }
  rememberTable(s.config, table);
  return table;
}

async function fillDomainTable(redis: Redis, db: Db, seen: DomainTable): Promise<void> {
  await redis.set(redisKeys.domainTable, seen, { ex: DOMAIN_TABLE_TTL_SECONDS });
  let now: DomainTable | undefined;
  try {
    now = toDomainTable(await selectDomains(db));
  } catch {
    now = undefined;
  }
  if (!now || JSON.stringify(now) !== JSON.stringify(seen)) await redis.del(redisKeys.domainTable);
}

/** Drops this isolate's copy of the table (the caller deletes the Redis one: deleteAfterCommit). */
export function forgetDomainTable(config: Env): void {
  memo.delete(config);
}

/**
 * Deletes cache `keys` in ONE command after the change they cache was committed. A failed delete is retried
 * in waitUntil with the link cache's backoff (about 12 s); if Redis stays unreachable, the keys' TTL bounds
 * the leftover, and the log names them for an operator.
 */
export async function deleteAfterCommit(redis: Redis, ctx: { waitUntil(p: Promise<unknown>): void }, keys: string[]): Promise<void> {
  if (!keys.length) return;
  try {
    await redis.del(...keys);
  } catch (e) {
    console.error(`cache: delete of ${keys.join(" ")} failed (${message(e)}); retrying`);
    ctx.waitUntil(
      (async () => {
        for (const delay of RETRY_DELAYS_MS) {
          await new Promise((r) => setTimeout(r, delay));
          try {
            await redis.del(...keys);
            return;
          } catch { /* next attempt */ }
        }
        console.error(`cache: Redis unreachable; ${keys.join(" ")} may be stale until their TTL ends`);
      })(),
    );
  }
}
