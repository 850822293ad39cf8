import { z } from "@hono/zod-openapi";

/** The problem+json body of errors.ts, for the OpenAPI document: one component, used by every route. */
export const Problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.int(),
    detail: z.string(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .openapi("Problem", { description: "RFC 9457 problem details; `errors` names each offending field." });

export const problemContent = { "application/problem+json": { schema: Problem } };
