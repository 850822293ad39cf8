import { z } from "@hono/zod-openapi";

/**
 * The problem+json body (RFC 9457) every error of the service has: the one source of its type (errors.ts) and
 * its OpenAPI component, used by every route.
 */
export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.int(),
    detail: z.string(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    source: z
      .string()
      .optional()
      .openapi({ description: "For an unsafe-destination problem: which check refused it, `blocklist` or `Google Safe Browsing`" }),
  })
  .openapi("Problem", { description: "RFC 9457 problem details; `errors` names each offending field." });

export const problemContent = { "application/problem+json": { schema: ProblemSchema } };

export type Problem = z.infer<typeof ProblemSchema>;
export type FieldError = NonNullable<Problem["errors"]>[number];
