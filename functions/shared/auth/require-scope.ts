import type { Context, MiddlewareHandler } from "hono";
import type { AppEnv } from "../app-env.ts";
import { ApiError } from "../errors.ts";
import { checkRateLimit, rateLimitHeaders } from "../rate-limit.ts";
import { authenticate } from "./authenticate.ts";
import { touchLastUsed } from "./last-used.ts";
import { hasScope, type Principal, type Scope } from "./scopes.ts";

/**
 * Route middleware of /api/v1: authenticates the caller (401), counts the request against the key's rate
 * limit (429), and requires `scope` (403; admin holds every scope). Every authenticated answer carries the
 * rate-limit headers, errors included.
 */
export function requireScope(
  scope: Scope,
  /** Who the caller is; the Shlink face (functions/api/shlink/auth.ts) reads X-Api-Key instead. */
  identify: (c: Context<AppEnv>) => Promise<Principal> = authenticate,
): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    let headers: Record<string, string> = {};
    let principal = c.var.principal;
    const authenticated = !principal;
    if (!principal) {
      principal = await identify(c);
      c.set("principal", principal);
      const limit = await checkRateLimit(c, "apiKey", `${principal.kind}:${principal.id}`);
      if (limit) headers = rateLimitHeaders(limit);
      if (limit && !limit.success) {
        throw new ApiError(429, `This API key has used its ${limit.limit} requests per minute; retry after the time in Retry-After.`, { headers });
      }
    }
    if (!hasScope(principal, scope)) {
      throw new ApiError(403, `This API key lacks the "${scope}" scope.`, { headers });
    }
    await next();
    for (const [k, v] of Object.entries(headers)) c.header(k, v);
    // After the handler, so the write reuses its idle connection instead of opening a second one.
    if (authenticated) touchLastUsed(c, principal);
  };
}
