/** OpenAPI pieces shared by the two /{slug} routes. */
import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { SLUG_PATTERN } from "../shared/slugs.ts";
import { validationHook } from "../shared/validation.ts";
import { notFound } from "./serve-link.ts";

/** Anything but a slug as the contract defines it is not a link: a 404 without any lookup. */
export const ShortPathParams = z.object({
  slug: z
    .string()
    .regex(SLUG_PATTERN)
    .openapi({ param: { name: "slug", in: "path" }, example: "aZ3kP9x", description: "Case-sensitive short-link slug" }),
});

const location = { Location: { schema: { type: "string" as const, format: "uri" }, description: "The destination" } };
export const redirectDoc = (description: string) => ({ description, headers: location });

/** A malformed slug answers 404 like an unknown one (it cannot name a link); other failures keep the default. */
export function slugHook(result: { success: boolean; target?: string }, c: Context): undefined {
  if (!result.success && result.target === "param") throw notFound();
  validationHook(result as Parameters<typeof validationHook>[0], c);
  return undefined;
}
