/**
 * Resolving the caller of /api/v1. Keys are looked up by the SHA-256 of the whole key (only the hash is
 * stored); ADMIN_API_KEY is accepted as a bootstrap admin key, compared in constant time, when it is long
 * and random enough (adminKeyWeakness).
 *
 * Failed authentications are bounded per client (salted IP): past AUTH_FAILURES_PER_MINUTE the client gets
 * 429 with Retry-After, and this isolate refuses its wrong keys from memory until the window resets, so
 * guessing keys costs no Postgres lookup. Others' failures never lock out a valid key: the admin key is
 * checked first, and a refused client's key whose hash is known (known-keys.ts) still gets its lookup. A key
 * that cannot be one of ours (wrong shape) is refused without a lookup.
 */
import type { Context } from "hono";
import { findActiveKeyByHash } from "../../../db/queries/api-keys.ts";
import { findSessionPrincipal } from "../../../db/queries/user-sessions.ts";
import { clientIp, ipHash } from "../visitor.ts";
import type { AppEnv } from "../app-env.ts";
import { sha256Hex, timingSafeEqualStrings } from "../crypto.ts";
import { ApiError } from "../errors.ts";
import type { Env } from "../env.ts";
import { checkRateLimit, rateLimitHeaders } from "../rate-limit.ts";
import { bearerToken } from "./bearer.ts";
import { looksLikeApiKey, looksLikeSessionToken } from "./key-format.ts";
import { forgetKnownKey, isKnownKey, noteKnownKey } from "./known-keys.ts";
import { ADMIN_PRINCIPAL, isScope, type Principal } from "./scopes.ts";

// Isolate-lifetime memo of clients past their failure budget (salted IP -> epoch ms the window resets):
// plain data, bounded, cleared whole when full.
const refused = new Map<string, number>();

const tooMany = (reset: number, headers: Record<string, string> = {}) => {
  const seconds = Math.max(1, Math.ceil((reset - Date.now()) / 1000));
  return new ApiError(429, "Too many failed authentications from this address; retry after the time in Retry-After.", {
    headers: { ...headers, "retry-after": String(seconds) },
  });
};

/** Counts a failed authentication of `who`; the 401 to answer, or a 429 once the budget is spent. */
async function failure(c: Context<AppEnv>, who: string, unauthorized: ApiError): Promise<ApiError> {
  const limit = await checkRateLimit(c, "authFailure", who);
  if (!limit || limit.success) return unauthorized;
  if (refused.size >= 10_000) refused.clear();
  refused.set(who, limit.reset);
  return tooMany(limit.reset, rateLimitHeaders(limit));
}

/**
 * Why ADMIN_API_KEY is too weak to accept, or undefined when it is strong. Wrong keys are limited per
 * address, but addresses are cheap (an IPv6 /64 holds billions), so the limit bounds cost, not guessing:
 * only the key's own randomness stops a guess. Minted keys carry about 190 bits; the admin key must be
 * comparable, which a person's chosen phrase is not.
 */
export function adminKeyWeakness(config: Env): string | undefined {
  const key = config.ADMIN_API_KEY;
  if (key.length < 32) return "is shorter than 32 characters";
  if (new Set(key).size < 12) return "has fewer than 12 distinct characters";
  return undefined;
}

// Isolate-lifetime: the weak admin key is logged once per isolate, not once per request.
let weakLogged = false;

/**
 * The caller from `key` (by default the Authorization header's; the Shlink face passes its X-Api-Key); 401
 * when absent, unknown or revoked; 429 past the failure budget.
 */
export async function authenticate(c: Context<AppEnv>, key = bearerToken(c.req.header("authorization"))): Promise<Principal> {
  if (!key) {
    throw new ApiError(401, "Send an API key as `Authorization: Bearer <key>`.", {
      headers: { "www-authenticate": 'Bearer realm="eatmyurl"' },
    });
  }
  const config = c.var.config;
  const weakness = adminKeyWeakness(config);
  if (!weakness && (await timingSafeEqualStrings(key, config.ADMIN_API_KEY))) return ADMIN_PRINCIPAL;
  if (weakness && !weakLogged) {
    weakLogged = true;
    console.error(`ADMIN_API_KEY ${weakness}: it is not accepted; set it to 32 or more random characters (e.g. \`openssl rand -base64 32\`)`);
  }
  const session = looksLikeSessionToken(key);
  const hash = looksLikeApiKey(key) || session ? await sha256Hex(key) : undefined;
  const who = await ipHash(c.var.redis, Date.now(), clientIp(c.req.raw.headers));
  const until = refused.get(who);
  if (until !== undefined) {
    if (until <= Date.now()) refused.delete(who);
    else if (!hash || !(await isKnownKey(c.var.db, hash))) throw tooMany(until);
  }
  // Said to every key that is not a minted one while the admin key is weak, right or wrong, so the answer
  // tells a guesser nothing; the operator reads which setting to change.
  const detail = weakness && !hash
    ? `This API key is unknown or has been revoked. (ADMIN_API_KEY is not accepted: the deployment's value ${weakness}.)`
    : "This API key is unknown or has been revoked.";
  const unknown = new ApiError(401, detail, { headers: { "www-authenticate": 'Bearer realm="eatmyurl", error="invalid_token"' } });
  if (session) {
    // A person's session: read with the person on every request, so a removed, disabled or demoted person
    // is refused (or narrowed) at their next request.
    const person = await findSessionPrincipal(c.var.db(), hash!);
    if (person) return person;
    throw await failure(c, who, new ApiError(401, "This session has ended or been revoked; sign in again.", {
      headers: { "www-authenticate": 'Bearer realm="eatmyurl", error="invalid_token"' },
    }));
  }
  const row = hash ? await findActiveKeyByHash(c.var.db(), hash) : undefined;
  if (!row) {
    if (hash) forgetKnownKey(hash);
    throw await failure(c, who, unknown);
  }
  noteKnownKey(hash!);
  return { kind: "key", id: row.id, name: row.name, scopes: row.scopes.filter(isScope), domains: row.domains, ownLinksOnly: row.ownLinksOnly };
}
