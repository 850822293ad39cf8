/**
 * What every /api/v1 route declares the same way: the bearer security requirement and its middleware, the
 * problem+json error responses, the rate-limit headers, and body size limits. One place, so the OpenAPI
 * document and the behaviour cannot drift apart route by route.
 */
import { z, type OpenAPIHono } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { AppEnv } from "../shared/app-env.ts";
import { requireScope } from "../shared/auth/require-scope.ts";
import type { Scope } from "../shared/auth/scopes.ts";
import { ApiError } from "../shared/errors.ts";
import { problemContent, type ProblemSchema } from "../shared/problem-schema.ts";

export const SECURITY_SCHEME = "apiKey";

export function registerSecurityScheme(app: OpenAPIHono<AppEnv>) {
  app.openAPIRegistry.registerComponent("securitySchemes", SECURITY_SCHEME, {
    type: "http",
    scheme: "bearer",
    description:
      "An API key (`emu_...`, minted with POST /api/v1/keys) or the deployment's ADMIN_API_KEY. Each route names " +
      "the scope it needs: links:read, links:write, analytics:read or admin (admin holds every scope).",
  });
}

/** Spread into createRoute: documents the scope (OpenAPI 3.1 allows role names here) and enforces it. */
export function secured(scope: Scope, ...more: MiddlewareHandler<AppEnv>[]) {
  return { security: [{ [SECURITY_SCHEME]: [scope] }], middleware: [requireScope(scope), ...more] };
}

/** 413 before anything reads a body larger than `maxBytes` (checked on Content-Length and while streaming). */
export function limitBody(maxBytes: number): MiddlewareHandler<AppEnv> {
  return bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new ApiError(413, `The request body is larger than ${maxBytes} bytes.`);
    },
  });
}

const PROBLEMS = {
  400: "Malformed JSON, a wrong type, an unknown field, or a value out of range (see errors)",
  401: "No API key, or an unknown or revoked one",
  403: "The API key lacks the scope this route needs",
  404: "No such resource",
  409: "A conflict: the slug is taken on its domain, the domain exists, links still use it, the email is taken, or the last owner would go",
  413: "The request body is too large",
  415: "The body is not application/json",
  422: "Well-formed, but refused: a reserved slug, a link to this service itself, a time in the past, or an unsafe destination (type unsafe-destination, `source` the blocklist or Google Safe Browsing)",
  429: "The API key used up its requests for this minute; see Retry-After",
} as const;

export const rateLimitHeaderDocs = {
  "X-RateLimit-Limit": { description: "Requests allowed per minute for this key", schema: { type: "integer" as const } },
  "X-RateLimit-Remaining": { description: "Requests left in the current window", schema: { type: "integer" as const } },
  "X-RateLimit-Reset": { description: "When the window frees up, in Unix epoch seconds", schema: { type: "integer" as const } },
};

/** The problem responses of an authenticated route: 401, 403 and 429 always, plus `statuses`. */
export function problems<S extends keyof typeof PROBLEMS>(...statuses: S[]) {
  const all = [...new Set<keyof typeof PROBLEMS>([...statuses, 401, 403, 429])];
  return Object.fromEntries(
    all.map((s) => [
      s,
      {
        description: PROBLEMS[s],
        content: problemContent,
        ...(s === 429 ? { headers: { ...rateLimitHeaderDocs, "Retry-After": { description: "Seconds to wait", schema: { type: "integer" as const } } } } : {}),
      },
    ]),
  ) as Record<S | 401 | 403 | 429, { description: string; content: { "application/problem+json": { schema: typeof ProblemSchema } } }>;
}

/** A JSON body at `status`, with the rate-limit headers every authenticated answer carries. */
export function json<T extends z.ZodType>(schema: T, description: string) {
  return { description, headers: rateLimitHeaderDocs, content: { "application/json": { schema } } };
}

/** A JSON request body: required, so a missing or non-JSON body is refused rather than read as {}. */
export function jsonBody<T extends z.ZodType>(schema: T, description?: string) {
  return { body: { required: true, description, content: { "application/json": { schema } } } };
}
