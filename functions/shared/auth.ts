/**
 * Bearer-key authentication, per-key rate limits and scope checks for /api/v1. Keys are looked up by the
 * SHA-256 of the whole key (only the hash is stored); ADMIN_API_KEY is accepted as a bootstrap admin key.
 */
import { and, eq, isNull, lt, or, sql } from "drizzle-orm";
import type { MiddlewareHandler } from "hono";
import { apiKeys } from "../../db/schema.ts";
import type { AppEnv } from "./app-env.ts";
import { sha256Hex, timingSafeEqualStrings } from "./crypto.ts";
import { ApiError } from "./errors.ts";
import { checkRateLimit, rateLimitHeaders } from "./rate-limit.ts";

export const scopes = ["links:read", "links:write", "analytics:read", "admin"] as const;
export type Scope = (typeof scopes)[number];

export interface Principal {
  /** The API key's id, or "admin" for ADMIN_API_KEY. */
  keyId: string;
  scopes: readonly Scope[];
}

const ADMIN: Principal = { keyId: "admin", scopes };

function bearer(header: string | undefined): string | null {
  const m = header?.match(/^Bearer\s+(\S+)\s*$/i);
  return m ? m[1] : null;
}

/** Resolves the caller from the Authorization header; 401 when absent, unknown or revoked. */
export async function authenticate(c: Parameters<MiddlewareHandler<AppEnv>>[0]): Promise<Principal> {
  const key = bearer(c.req.header("authorization"));
  if (!key) {
    throw new ApiError(401, "Send an API key as `Authorization: Bearer <key>`.", {
      headers: { "www-authenticate": 'Bearer realm="eatmyurl"' },
    });
  }
  if (await timingSafeEqualStrings(key, c.var.config.ADMIN_API_KEY)) return ADMIN;
  const hash = await sha256Hex(key);
  const [row] = await c.var
    .db()
    .select({ id: apiKeys.id, scopes: apiKeys.scopes })
    .from(apiKeys)
    .where(and(eq(apiKeys.hash, hash), isNull(apiKeys.revokedAt)))
    .limit(1);
  if (!row) {
    throw new ApiError(401, "This API key is unknown or has been revoked.", {
      headers: { "www-authenticate": 'Bearer realm="eatmyurl", error="invalid_token"' },
    });
  }
  return { keyId: row.id, scopes: row.scopes.filter((s): s is Scope => (scopes as readonly string[]).includes(s)) };
}

/** How often last_used_at is written per key: it is a hint for people, not an audit log. */
const TOUCH_EVERY_MS = 60_000;
// Isolate-lifetime memo of when this isolate last wrote last_used_at per key, so an API request costs no
// extra write; bounded, and cleared whole when full (the worst case is one extra write per key).
const touched = new Map<string, number>();

/** Updates api_keys.last_used_at at most once a minute per key and isolate, after the response. */
function touchLastUsed(c: Parameters<MiddlewareHandler<AppEnv>>[0], principal: Principal, now = Date.now()) {
  if (principal.keyId === "admin" || now - (touched.get(principal.keyId) ?? 0) < TOUCH_EVERY_MS) return;
  if (touched.size >= 10_000) touched.clear();
  touched.set(principal.keyId, now);
  // Started now (drizzle queries are lazy until then-ed), so it holds its connection before the pool is ended
  // (in waitUntil, by the services middleware); pool.end() lets an active query finish.
  const write = c.var
    .db()
    .update(apiKeys)
    .set({ lastUsedAt: sql`now()` })
    .where(and(eq(apiKeys.id, principal.keyId), or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, sql`now() - interval '1 minute'`))))
    .then(
      () => {},
      (e: unknown) => console.error(`last_used_at of key ${principal.keyId} not written:`, e instanceof Error ? e.message : e),
    );
  c.executionCtx.waitUntil(write);
}

/**
 * Route middleware: authenticates the caller (401), counts the request against the key's rate limit (429),
 * and requires `scope` (403; admin holds every scope). Every authenticated answer carries the rate-limit
 * headers, errors included.
 */
export function requireScope(scope: Scope): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    let headers: Record<string, string> = {};
    let principal = c.var.principal;
    const authenticated = !principal;
    if (!principal) {
      principal = await authenticate(c);
      c.set("principal", principal);
      const limit = await checkRateLimit(c, `key:${principal.keyId}`);
      if (limit) headers = rateLimitHeaders(limit);
      if (limit && !limit.success) {
        throw new ApiError(429, `This API key has used its ${limit.limit} requests per minute; retry after the time in Retry-After.`, { headers });
      }
    }
    if (!principal.scopes.includes(scope) && !principal.scopes.includes("admin")) {
      throw new ApiError(403, `This API key lacks the "${scope}" scope.`, { headers });
    }
    await next();
    for (const [k, v] of Object.entries(headers)) c.header(k, v);
    // After the handler, so the write reuses its idle connection instead of opening a second one.
    if (authenticated) touchLastUsed(c, principal);
  };
}
