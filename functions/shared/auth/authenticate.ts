/**
 * Resolving the caller of /api/v1. Keys are looked up by the SHA-256 of the whole key (only the hash is
 * stored); ADMIN_API_KEY is accepted as a bootstrap admin key, compared in constant time.
 *
 * Failed authentications are bounded per client (salted IP): past AUTH_FAILURES_PER_MINUTE the client gets
 * 429 with Retry-After, and this isolate refuses it from memory until the window resets, so guessing keys
 * costs no Postgres query. A key that cannot be one of ours (wrong shape) is refused without a lookup.
 */
import type { Context } from "hono";
import { clientIp, ipHash } from "../visitor.ts";
import type { AppEnv } from "../app-env.ts";
import { sha256Hex, timingSafeEqualStrings } from "../crypto.ts";
import { ApiError } from "../errors.ts";
import { checkRateLimit, rateLimitHeaders } from "../rate-limit.ts";
import { bearerToken } from "./bearer.ts";
import { looksLikeApiKey } from "./key-format.ts";
import { activeKeyPrincipal } from "./key-principal.ts";
import { ADMIN_PRINCIPAL, type Principal } from "./scopes.ts";

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
  const who = await ipHash(c.var.redis, Date.now(), clientIp(c.req.raw.headers));
  const until = refused.get(who);
  if (until !== undefined) {
    if (until > Date.now()) throw tooMany(until);
    refused.delete(who);
  }
  if (await timingSafeEqualStrings(key, config.ADMIN_API_KEY)) return ADMIN_PRINCIPAL;
  const unknown = new ApiError(401, "This API key is unknown or has been revoked.", {
    headers: { "www-authenticate": 'Bearer realm="eatmyurl", error="invalid_token"' },
  });
  const principal = looksLikeApiKey(key) ? await activeKeyPrincipal(c.var.db(), { hash: await sha256Hex(key) }) : undefined;
  if (!principal) throw await failure(c, who, unknown);
  return principal;
}
