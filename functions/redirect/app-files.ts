/**
 * A domain's app-association files (/.well-known/apple-app-site-association and assetlinks.json), cached in
 * three tiers like links, but apart from them and from the domain table: files of up to 64 KB must not ride
 * along every redirect, so nothing here is read on the way to a link. Tiers: this isolate's copy (per
 * configuration, LINK_CACHE_SECONDS, bounded in bytes), Redis app-files:{domain} (APP_FILES_TTL_SECONDS),
 * Postgres. A domain without files is cached the same way ({aasa: null, assetLinks: null}), and the key is
 * the domain's, not the request host's (an unknown host is the default domain), so scanners and strangers
 * cost no Postgres query and cannot make keys.
 *
 * Upstash commands per request: 0 on an isolate hit; 1 on a miss (GET, or on a custom domain's host while
 * this isolate lacks the domain table, one MGET of the table and both candidate keys, as find-link.ts does);
 * a cold key adds the fill after the response (SET, then Postgres is read again and a DEL follows only if
 * the row changed meanwhile).
 *
 * Coherence, as domain-cache.ts: the domains API deletes the key after its commit (retried) and drops its
 * isolate's copy; a fill re-reads Postgres after its SET and deletes the key if the files changed meanwhile,
 * so a fill racing a change cannot leave a stale entry. Other isolates keep theirs LINK_CACHE_SECONDS at most.
 */
import type { Db } from "../../db/client.ts";
import { selectDomainAppFiles } from "../../db/queries/domains.ts";
import { DEFAULT_DOMAIN_ROW } from "../../db/schema.ts";
import type { Env } from "../shared/env.ts";
import { redisKeys } from "../shared/redis-keys.ts";
import { getDomainTable, isolateDomainTable, type DomainServices } from "./domain-cache.ts";
import { domainOfHost, hostsOf, type DomainOf } from "./find-link.ts";
import { LinkStoreUnavailable } from "./link-cache/get-link.ts";

/** An hour: the key is deleted on every change, so the TTL only bounds a leftover after a failed delete. */
export const APP_FILES_TTL_SECONDS = 3600;

/** The stored JSON text of each file, served byte for byte; null when the domain has none. */
export interface AppFiles {
  aasa: string | null;
  assetLinks: string | null;
}

const NONE: AppFiles = Object.freeze({ aasa: null, assetLinks: null });

/** A value Redis held as app files; null when absent or not one of ours. */
export function parseAppFiles(v: unknown): AppFiles | null {
  if (!v || typeof v !== "object") return null;
  const { aasa, assetLinks } = v as Record<string, unknown>;
  const ok = (x: unknown) => x === null || typeof x === "string";
  return ok(aasa) && ok(assetLinks) ? { aasa: aasa as string | null, assetLinks: assetLinks as string | null } : null;
}

/** The files as Postgres has them now (NONE for a domain without a row). */
export async function readAppFiles(db: Db, domain: DomainOf): Promise<AppFiles> {
  const row = await selectDomainAppFiles(db, domain ?? DEFAULT_DOMAIN_ROW);
  return row ? { aasa: row.appleAppSiteAssociation, assetLinks: row.assetLinks } : NONE;
}

// Isolate-lifetime memo per configuration (a test may point one at another database): plain data only,
// bounded in bytes (two 64 KB files a domain), cleared whole when full, as robots.ts does.
const MAX_ISOLATE_BYTES = 4 * 1024 * 1024;
const memo = new WeakMap<object, { bytes: number; entries: Map<string, { files: AppFiles; expires: number }> }>();
const memoKey = (domain: DomainOf) => domain ?? DEFAULT_DOMAIN_ROW;

export function isolateAppFiles(config: Env, domain: DomainOf, now = Date.now()): AppFiles | undefined {
  const hit = memo.get(config)?.entries.get(memoKey(domain));
  return hit && hit.expires > now ? hit.files : undefined;
}

function rememberAppFiles(config: Env, domain: DomainOf, files: AppFiles) {
  if (config.LINK_CACHE_SECONDS <= 0) return;
  let m = memo.get(config);
  const size = (files.aasa?.length ?? 0) + (files.assetLinks?.length ?? 0);
  if (!m || m.bytes + size > MAX_ISOLATE_BYTES) memo.set(config, (m = { bytes: 0, entries: new Map() }));
  m.bytes += size;
  m.entries.set(memoKey(domain), { files, expires: Date.now() + config.LINK_CACHE_SECONDS * 1000 });
}

/** Drops this isolate's copy of a domain's files (the caller deletes the Redis key: deleteAfterCommit). */
export function forgetAppFiles(config: Env, domain: DomainOf): void {
  memo.get(config)?.entries.delete(memoKey(domain));
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * The files of the domain `requestUrl` is on. Throws LinkStoreUnavailable when neither Redis nor Postgres
 * answers (the route's 503).
 */
export async function getAppFiles(s: DomainServices, requestUrl: URL): Promise<AppFiles> {
  const { host, defaultHost } = hostsOf(s, requestUrl);
  const table = host === defaultHost ? undefined : isolateDomainTable(s.config);
  let domain: DomainOf | undefined = host === defaultHost ? null : table && domainOfHost(table, host, defaultHost);
  if (domain !== undefined) {
    const hit = isolateAppFiles(s.config, domain);
    if (hit) return hit;
  }
  let raw: unknown = null;
  let redisUp = true;
  try {
    if (domain !== undefined) raw = await s.redis.get(redisKeys.appFiles(domain));
    else {
      // Which key is this host's depends on the table: read it and both candidates in one round trip.
      const fetched = await s.redis.mget<unknown[]>(redisKeys.domainTable, redisKeys.appFiles(host), redisKeys.appFiles(null));
      domain = domainOfHost(await getDomainTable(s, { raw: fetched[0] }), host, defaultHost);
      raw = fetched[domain === null ? 2 : 1];
    }
  } catch (e) {
    if (e instanceof LinkStoreUnavailable) throw e;
    redisUp = false;
    console.error(`well-known: redis read of the app files failed, reading Postgres: ${message(e)}`);
    domain ??= domainOfHost(await getDomainTable(s, { failed: true }), host, defaultHost);
  }
  let files = parseAppFiles(raw);
  if (!files) {
    try {
      files = await readAppFiles(s.db(), domain);
    } catch (e) {
      console.error(`well-known: postgres read of the app files failed: ${message(e)}`);
      throw new LinkStoreUnavailable("no store answered for the app files");
    }
    const [seen, of] = [files, domain];
    if (redisUp) s.defer("well-known: app files fill", () => fillAppFiles(s, of, seen));
  }
  rememberAppFiles(s.config, domain, files);
  return files;
}

/** Writes what Postgres said (`seen`) into Redis, then deletes it again if Postgres no longer says so. */
export async function fillAppFiles(s: Pick<DomainServices, "redis" | "db">, domain: DomainOf, seen: AppFiles): Promise<void> {
  const key = redisKeys.appFiles(domain);
  await s.redis.set(key, seen, { ex: APP_FILES_TTL_SECONDS });
  let now: AppFiles | undefined;
  try {
    now = await readAppFiles(s.db(), domain);
  } catch {
    now = undefined; // cannot confirm: drop the entry rather than risk keeping a stale one for an hour
  }
  if (!now || now.aasa !== seen.aasa || now.assetLinks !== seen.assetLinks) await s.redis.del(key);
}
