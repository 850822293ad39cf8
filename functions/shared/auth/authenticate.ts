/**
 * Resolving the caller of /api/v1. Keys are looked up by the SHA-256 of the whole key (only the hash is
 * stored); ADMIN_API_KEY is accepted as a bootstrap admin key, compared in constant time.
 */
import type { Context } from "hono";
import { findActiveKeyByHash } from "../../../db/queries/api-keys.ts";
import type { AppEnv } from "../app-env.ts";
import { sha256Hex, timingSafeEqualStrings } from "../crypto.ts";
import { ApiError } from "../errors.ts";
import { bearerToken } from "./bearer.ts";
import { ADMIN_PRINCIPAL, isScope, type Principal } from "./scopes.ts";

/** The caller from the Authorization header; 401 when absent, unknown or revoked. */
export async function authenticate(c: Context<AppEnv>): Promise<Principal> {
  const key = bearerToken(c.req.header("authorization"));
  if (!key) {
    throw new ApiError(401, "Send an API key as `Authorization: Bearer <key>`.", {
      headers: { "www-authenticate": 'Bearer realm="eatmyurl"' },
    });
  }
  if (await timingSafeEqualStrings(key, c.var.config.ADMIN_API_KEY)) return ADMIN_PRINCIPAL;
  const row = await findActiveKeyByHash(c.var.db(), await sha256Hex(key));
  if (!row) {
    throw new ApiError(401, "This API key is unknown or has been revoked.", {
      headers: { "www-authenticate": 'Bearer realm="eatmyurl", error="invalid_token"' },
    });
  }
  return { keyId: row.id, scopes: row.scopes.filter(isScope) };
}
