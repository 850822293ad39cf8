import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../shared/app-env.ts";
import { ApiError, problem } from "../../shared/errors.ts";
import { fieldErrors } from "../../shared/validation.ts";
import { ProblemSchema } from "../../shared/problem-schema.ts";
import { json, jsonBody, limitBody, problems, secured } from "../openapi.ts";
import { createLinks, type CreateOutcome } from "./create-links.ts";
import { presentLinks } from "./present.ts";
import { CreateLinkInput, Link } from "./schemas.ts";

export const MAX_BULK_LINKS = 1000;
/**
 * Each password costs a PBKDF2 hash of about 16 ms of CPU (measured in workerd): a thousand would take most of
 * a Worker's CPU budget, so one request may carry at most this many.
 */
export const MAX_BULK_PASSWORDS = 100;
/** 1,000 ordinary links fit in well under 1 MB; 2 MB bounds the worst case the Worker must parse. */
export const MAX_BULK_BODY_BYTES = 2 * 1024 * 1024;

// Items are validated one by one in the handler, so one bad item fails alone; the document still shows
// their schema.
const BulkInput = z
  .strictObject({
    links: z
      .array(z.unknown())
      .min(1)
      .max(MAX_BULK_LINKS)
      .openapi({ items: { $ref: "#/components/schemas/CreateLinkInput" } }),
  })
  .openapi("BulkCreateInput");

const BulkResult = z
  .object({
    results: z.array(
      z.union([
        z.object({ ok: z.literal(true), link: Link }),
        z.object({ ok: z.literal(false), error: ProblemSchema }),
      ]),
    ),
  })
  .openapi("BulkCreateResult", { description: "One result per input link, in the same order" });

export const bulkCreateRoute = createRoute({
  method: "post",
  path: "/api/v1/links/bulk",
  tags: ["links"],
  summary: `Shorten up to ${MAX_BULK_LINKS} URLs; each succeeds or fails on its own`,
  description: `At most ${MAX_BULK_PASSWORDS} of them may have a password (hashing is slow on purpose).`,
  ...secured("links:write", limitBody(MAX_BULK_BODY_BYTES)),
  request: jsonBody(BulkInput),
  responses: {
    200: json(BulkResult, "Per-link results: a Link, or the problem that link alone has"),
    ...problems(400, 413, 415),
  },
});

export function registerBulkCreate(app: OpenAPIHono<AppEnv>) {
  app.openapi(bulkCreateRoute, async (c) => {
    const items = c.req.valid("json").links;
    const parsed = items.map((item) => CreateLinkInput.safeParse(item));
    const valid = parsed.flatMap((p, i) => (p.success ? [{ i, input: p.data }] : []));
    if (valid.filter((v) => typeof v.input.password === "string").length > MAX_BULK_PASSWORDS) {
      throw new ApiError(400, `At most ${MAX_BULK_PASSWORDS} links of one request may have a password.`, {
        errors: [{ path: "links", message: `more than ${MAX_BULK_PASSWORDS} links have a password: split the request` }],
      });
    }
    const created = await createLinks(c, valid.map((v) => v.input));
    const outcomes: CreateOutcome[] = parsed.map((p) =>
      p.success
        ? (undefined as unknown as CreateOutcome)
        : {
            ok: false,
            problem: problem(400, "This link is not valid: see errors.", fieldErrors(p.error.issues)),
          },
    );
    valid.forEach((v, k) => (outcomes[v.i] = created[k]));
    const links = await presentLinks(c, outcomes.flatMap((o) => (o.ok ? [o.row] : [])), true);
    let next = 0;
    const results = outcomes.map((o) => (o.ok ? { ok: true as const, link: links[next++] } : { ok: false as const, error: o.problem }));
    return c.json({ results }, 200);
  });
}
