import type { Hook } from "@hono/zod-openapi";
import { ApiError } from "./errors.ts";

/**
 * The defaultHook of every OpenAPI route: a request that fails its zod schema answers 400 problem+json with
 * one entry per offending field, and nothing runs.
 */
export const validationHook: Hook<unknown, any, any, unknown> = (result) => {
  if (result.success) return;
  const errors = result.error.issues.map((i) => ({
    path: i.path.map(String).join(".") || "(root)",
    message: i.message,
  }));
  throw new ApiError(400, "The request is not valid: see errors.", { errors });
};
