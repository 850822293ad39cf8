/**
 * Shlink's problems (its REST API v3 error types, titles and extra members), and the middleware that gives
 * every error under /rest the shape Shlink's clients read: they switch on `type` and show `detail`.
 */
import type { MiddlewareHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { AppEnv } from "../../shared/app-env.ts";
import { ApiError, onError, problemResponse, type FieldError } from "../../shared/errors.ts";

const SHLINK_TYPE = "https://shlink.io/api/error/";
export const shlinkType = (code: string) => `${SHLINK_TYPE}${code}`;

const shlinkError = (status: 400 | 401 | 403 | 404 | 409 | 501, code: string, title: string, detail: string, extra?: Record<string, unknown>) =>
  new ApiError(status, detail, { type: shlinkType(code), title, extra });

/** A field path of ours as the name Shlink's clients know it by. */
const SHLINK_FIELD: Record<string, string> = {
  url: "longUrl",
  slug: "customSlug",
  expiresAt: "validUntil",
  maxClicks: "maxVisits",
  rules: "redirectRules",
};

/** A field error with its path in Shlink's names (`rules.0.url` is `redirectRules.0.url`). */
const renamed = (e: FieldError): FieldError => {
  const [top, ...rest] = e.path.split(".");
  return { ...e, path: [SHLINK_FIELD[top] ?? top, ...rest].join(".") };
};

/** Shlink's invalid-data: `invalidElements` names each offending top-level field; `errors` says what is wrong. */
export function invalidData(errors: readonly FieldError[], detail = "Provided data is not valid"): ApiError {
  const named = errors.map(renamed);
  return new ApiError(400, detail, {
    type: shlinkType("invalid-data"),
    title: "Invalid data",
    errors: named,
    extra: { invalidElements: [...new Set(named.map((e) => e.path.split(".")[0]))] },
  });
}

/** `domain` is the hostname the client named, if it named one. */
export const shortUrlNotFound = (shortCode: string, domain?: string | null) =>
  shlinkError(
    404, "short-url-not-found", "Short URL not found",
    domain ? `No URL found with short code "${shortCode}" for domain "${domain}"` : `No URL found with short code "${shortCode}"`,
    domain ? { shortCode, domain } : { shortCode },
  );

export const nonUniqueSlug = (customSlug: string, domain?: string | null) =>
  shlinkError(
    400, "non-unique-slug", "Invalid custom slug",
    domain ? `Provided slug "${customSlug}" is already in use for domain "${domain}".` : `Provided slug "${customSlug}" is already in use.`,
    domain ? { customSlug, domain } : { customSlug },
  );

export const tagNotFound = (tag: string) => shlinkError(404, "tag-not-found", "Tag not found", `Tag with name "${tag}" could not be found`, { tag });

export const tagConflict = (oldName: string, newName: string) =>
  shlinkError(409, "tag-conflict", "Tag conflict", `You cannot rename tag ${oldName} to ${newName}, because it already exists`, { oldName, newName });

export const forbiddenTagOperation = (detail: string) => shlinkError(403, "forbidden-tag-operation", "Forbidden tag operation", detail);

export const domainNotFound = (authority: string) =>
  shlinkError(404, "domain-not-found", "Domain not found", `Domain with authority "${authority}" could not be found`, { authority });

export const missingAuthentication = () =>
  shlinkError(401, "missing-authentication", "Invalid authorization", 'Expected one of the following authentication headers, ["X-Api-Key"], but none were provided', {
    expectedHeaders: ["X-Api-Key"],
  });

export const invalidApiKey = () => shlinkError(401, "invalid-api-key", "Invalid API key", "Provided API key does not exist or is invalid.");

export const mercureNotConfigured = () =>
  shlinkError(501, "mercure-not-configured", "Mercure integration not configured", "This Shlink instance is not integrated with a mercure hub.");

/**
 * After every /rest route: an error answered in our shape (a body too large, a rate limit, a missing scope, a
 * malformed JSON body, an unknown path) is answered again in Shlink's. A 400 is invalid-data with the fields
 * named as Shlink names them; other statuses keep our type, which no Shlink client mistakes for one of its own.
 */
export const shlinkErrors: MiddlewareHandler<AppEnv> = async (c, next) => {
  let err: unknown;
  try {
    await next();
    err = c.error;
  } catch (e) {
    // The not-found handler of an unmatched path throws past the middleware instead of into c.error.
    if (!(e instanceof HTTPException)) throw e;
    err = e;
    c.res = onError(e, c);
  }
  if (!err || !(err instanceof HTTPException)) return;
  if (err instanceof ApiError && err.options.type?.startsWith(SHLINK_TYPE)) return;
  const api = err instanceof ApiError ? err : new ApiError(err.status as 400, err.message || "Bad Request");
  const base = api.toProblem();
  const body =
    api.status === 400
      ? invalidData(api.options.errors ?? [], base.detail).toProblem()
      : api.status === 404
        ? { ...base, type: shlinkType("not-found") }
        : base;
  // Hono carries the replaced answer's headers over (CORS, rate limits, Retry-After), all but its content type.
  c.res = problemResponse(body as typeof base);
};
