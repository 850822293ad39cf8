/**
 * One error class and one error body (RFC 9457 problem+json) for every failure the service reports.
 */
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { EnvError } from "./env.ts";
import type { FieldError, Problem } from "./problem-schema.ts";

export type { FieldError, Problem };

const TITLES: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  409: "Conflict",
  410: "Gone",
  413: "Content Too Large",
  415: "Unsupported Media Type",
  422: "Unprocessable Content",
  429: "Too Many Requests",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

export class ApiError extends HTTPException {
  constructor(
    status: ContentfulStatusCode,
    readonly detail: string,
    readonly options: {
      errors?: FieldError[];
      type?: string;
      headers?: Record<string, string>;
      /** Its own title (Shlink's problems name theirs) instead of the status's. */
      title?: string;
      /** Members added to the body beside the standard ones (RFC 9457 extensions, e.g. Shlink's `shortCode`). */
      extra?: Record<string, unknown>;
    } = {},
  ) {
    super(status, { message: detail });
  }

  toProblem(): Problem {
    const p = problem(this.status, this.detail, this.options.errors, this.options.type);
    return { ...p, ...(this.options.title ? { title: this.options.title } : {}), ...this.options.extra };
  }
}

export function problem(status: number, detail: string, errors?: FieldError[], type?: string): Problem {
  const title = TITLES[status] ?? "Error";
  return {
    type: type ?? `https://eatmyurl.dev/problems/${title.toLowerCase().replace(/ /g, "-")}`,
    title,
    status,
    detail,
    ...(errors?.length ? { errors } : {}),
  };
}

/** The ApiError that answers `p` as it is: its type, title and extension members (e.g. `source`) kept. */
export function problemError(p: Problem): ApiError {
  const { type, title, status, detail, errors, ...extra } = p;
  return new ApiError(status as ContentfulStatusCode, detail, { errors, type, title, extra });
}

export function problemResponse(p: Problem, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(p), {
    status: p.status,
    headers: { "content-type": "application/problem+json", ...headers },
  });
}

/** app.onError: known errors become their problem; anything else is logged and answered as a bare 500. */
export function onError(err: Error, c: Context): Response {
  if (err instanceof ApiError) return problemResponse(err.toProblem(), err.options.headers);
  if (err instanceof EnvError) {
    return problemResponse(problem(500, err.message, err.settings, "https://eatmyurl.dev/problems/configuration"));
  }
  if (err instanceof HTTPException) {
    // Hono's own (e.g. bodyLimit or a malformed JSON body): keep its status, speak our format.
    const status = err.status;
    return problemResponse(problem(status, err.message || TITLES[status] || "Error"));
  }
  console.error(`unhandled error on ${c.req.method} ${c.req.path}:`, err);
  return problemResponse(problem(500, "An unexpected error occurred; it has been logged."));
}
