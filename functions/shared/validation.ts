import type { Hook } from "@hono/zod-openapi";
import type { FieldError } from "./errors.ts";
import { ApiError } from "./errors.ts";

type Issue = { path: readonly PropertyKey[]; message: string; code?: string; keys?: readonly string[] };

/**
 * True when `s` has no unpaired surrogate. JSON can carry one ("\ud800") but UTF-8 cannot: the Postgres driver
 * would store U+FFFD instead, a value the client never sent, so such text is refused rather than altered.
 */
export const isWellFormed = (s: string) => !/\p{Cs}/u.test(s);
export const NOT_WELL_FORMED = "must be well-formed Unicode: no unpaired surrogate";

const joinPath = (path: readonly PropertyKey[]) => path.map(String).join(".") || "(root)";

/**
 * zod issues as the problem body's errors[]: one entry per offending field, "(root)" for the body itself.
 * Unknown fields get an entry each, under their own name, so a client sees which field to drop.
 */
export function fieldErrors(issues: readonly Issue[]): FieldError[] {
  return issues.flatMap((i) =>
    i.code === "unrecognized_keys" && i.keys?.length
      ? i.keys.map((k) => ({ path: joinPath([...i.path, k]), message: "is not a known field" }))
      : [{ path: joinPath(i.path), message: i.message }],
  );
}

/**
 * The defaultHook of every OpenAPI route: a request that fails its zod schema answers 400 problem+json with
 * one entry per offending field, and nothing runs.
 */
export const validationHook: Hook<unknown, any, any, unknown> = (result) => {
  if (result.success) return;
  throw new ApiError(400, "The request is not valid: see errors.", { errors: fieldErrors(result.error.issues) });
};
