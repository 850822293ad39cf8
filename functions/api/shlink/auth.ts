/**
 * The Shlink face's authentication: Shlink's clients send the key as `X-Api-Key`. Any key of ours is
 * accepted there, ADMIN_API_KEY included, with its scopes and restrictions, the failure budget and the
 * per-key rate limit of /api/v1 (requireScope); only the two 401s are spelled as Shlink spells them.
 * Authorization: Bearer is not read here: Shlink's clients never send it, and one way in is easier to reason about.
 */
import type { Context, MiddlewareHandler } from "hono";
import type { AppEnv } from "../../shared/app-env.ts";
import { authenticate } from "../../shared/auth/authenticate.ts";
import { requireScope } from "../../shared/auth/require-scope.ts";
import type { Principal, Scope } from "../../shared/auth/scopes.ts";
import { ApiError } from "../../shared/errors.ts";
import { invalidApiKey, missingAuthentication } from "./errors.ts";

export const SHLINK_SECURITY_SCHEME = "shlinkApiKey";

/** The caller of X-Api-Key; Shlink's 401s for no key and for a key that is unknown or revoked. */
async function fromApiKeyHeader(c: Context<AppEnv>): Promise<Principal> {
  const key = c.req.header("x-api-key")?.trim();
  if (!key) throw missingAuthentication();
  try {
    return await authenticate(c, key);
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) throw invalidApiKey();
    throw e;
  }
}

/** Spread into createRoute: the X-Api-Key requirement and `scope`, documented and enforced. */
export function shlinkSecured(scope: Scope, ...more: MiddlewareHandler<AppEnv>[]) {
  return { security: [{ [SHLINK_SECURITY_SCHEME]: [scope] }], middleware: [requireScope(scope, fromApiKeyHeader), ...more] };
}
