/**
 * Bearer-key authentication and scope checks for /api/v1. Keys are looked up by the SHA-256 of the whole
 * key (only the hash is stored); ADMIN_API_KEY is accepted as a bootstrap admin key.
 */
import { and, eq, isNull } from "drizzle-orm";
import type { MiddlewareHandler } from "hono";
import { apiKeys } from "../../db/schema.ts";
import type { AppEnv } from "./app-env.ts";
import { sha256Hex, timingSafeEqualStrings } from "./crypto.ts";
import { ApiError } from "./errors.ts";

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

/** Route middleware: the caller must hold `scope` (admin holds every scope). */
export function requireScope(scope: Scope): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const principal = c.var.principal ?? (await authenticate(c));
    c.set("principal", principal);
    if (!principal.scopes.includes(scope) && !principal.scopes.includes("admin")) {
      throw new ApiError(403, `This API key lacks the "${scope}" scope.`);
    }
    await next();
  };
}
