/** What every /rest route declares the same way: its JSON answer and Shlink's problem responses. */
import type { z } from "@hono/zod-openapi";
import { problemContent } from "../../shared/problem-schema.ts";

export const SHLINK_TAG = "shlink";

export const shlinkJson = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { "application/json": { schema } },
});

const PROBLEMS = {
  400: "invalid-data (invalidElements names the fields), or non-unique-slug",
  401: "missing-authentication or invalid-api-key",
  403: "The key lacks the scope, or forbidden-tag-operation",
  404: "short-url-not-found, tag-not-found or domain-not-found",
  409: "tag-conflict",
  422: "unsafe-destination (our type, not Shlink's): the blocklist or Google Safe Browsing refused a destination; `source` names which",
  429: "The key used up its requests for this minute",
  501: "Not offered here",
} as const;

/** The problem responses of an authenticated /rest route: 401, 403 and 429 always, plus `statuses`. */
export function shlinkProblems<S extends keyof typeof PROBLEMS>(...statuses: S[]) {
  const all = [...new Set<keyof typeof PROBLEMS>([...statuses, 401, 403, 429])];
  return Object.fromEntries(all.map((s) => [s, { description: PROBLEMS[s], content: problemContent }])) as Record<
    S | 401 | 403 | 429,
    { description: string; content: typeof problemContent }
  >;
}
