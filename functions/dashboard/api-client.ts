/**
 * The dashboard acts through the API, in process: each call is a real request to the same Hono app with
 * `Authorization: Bearer <the session's key>`, so every rule, scope and error of the API applies unchanged
 * and no link logic is written twice.
 */
import type { Context } from "hono";
import type { RawEnv } from "../shared/env.ts";
import type { Problem } from "../shared/errors.ts";

export type ApiResult<T> =
  | { ok: true; status: number; data: T; response: Response }
  | { ok: false; status: number; problem: Problem; response: Response };

export interface ApiCallOptions {
  query?: Record<string, string | undefined>;
  body?: unknown;
  /** A body sent as is (a file being imported), with its content type, instead of JSON. */
  upload?: { body: BodyInit; type: string };
  accept?: string;
}

export interface ApiClient {
  /** JSON in, JSON or problem+json out. */
  call<T>(method: string, path: string, opts?: ApiCallOptions): Promise<ApiResult<T>>;
  /** The raw response (CSV, for instance). */
  raw(method: string, path: string, opts?: ApiCallOptions): Promise<Response>;
  /** The same client acting with another key (sign-in checks the key typed in). */
  withKey(key: string): ApiClient;
}

/** Thrown when the API refuses the session's key (revoked or unknown): the person must sign in again. */
export class SessionRejected extends Error {
  constructor(readonly detail: string) {
    super(detail);
  }
}

/** The app's own fetch: `app.fetch` of functions/app.ts. */
export type AppFetch = (req: Request, env: RawEnv, ctx: Context["executionCtx"]) => Response | Promise<Response>;

export function apiClient(fetchApp: AppFetch, c: Context, key: string | null): ApiClient {
  const raw = async (method: string, path: string, opts: ApiCallOptions = {}) => {
    const url = new URL(path, c.req.url);
    for (const [k, v] of Object.entries(opts.query ?? {})) if (v !== undefined && v !== "") url.searchParams.set(k, v);
    const headers = new Headers({ accept: opts.accept ?? "application/json" });
    // The person's address goes along: the API's per-client limits (failed sign-ins) are theirs, not shared
    // by everyone who uses the dashboard.
    for (const name of ["cf-connecting-ip", "x-forwarded-for"]) {
      const value = c.req.header(name);
      if (value) headers.set(name, value);
    }
    if (key) headers.set("authorization", `Bearer ${key}`);
    if (opts.body !== undefined) headers.set("content-type", "application/json");
    if (opts.upload) headers.set("content-type", opts.upload.type);
    const body = opts.upload ? opts.upload.body : opts.body === undefined ? undefined : JSON.stringify(opts.body);
    const req = new Request(url, { method, headers, body });
    return fetchApp(req, c.env, c.executionCtx);
  };
  const call = async <T>(method: string, path: string, opts: ApiCallOptions = {}): Promise<ApiResult<T>> => {
    const response = await raw(method, path, opts);
    const text = await response.text();
    let json: unknown = undefined;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: reported below as a problem with the status we got
    }
    if (response.ok) return { ok: true, status: response.status, data: json as T, response };
    const problem = isProblem(json)
      ? json
      : { type: "about:blank", title: response.statusText || "Error", status: response.status, detail: `The API answered ${response.status}.` };
    if (response.status === 401 && key) throw new SessionRejected(problem.detail);
    return { ok: false, status: response.status, problem, response };
  };
  return { call, raw, withKey: (other) => apiClient(fetchApp, c, other) };
}

function isProblem(v: unknown): v is Problem {
  return typeof v === "object" && v !== null && typeof (v as Problem).detail === "string" && typeof (v as Problem).status === "number";
}
