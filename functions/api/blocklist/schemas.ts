/** The blocklist's entry and the bodies and parameters of its routes (functions/abuse/block-hosts.ts says what a rule matches). */
import { z } from "@hono/zod-openapi";
import { CreatedBy } from "../created-by.ts";
import { isWellFormed, NOT_WELL_FORMED } from "../../shared/validation.ts";

/** As typed: normalised by the handler, which answers 422 for what is not a host (normalizeBlockRule). */
const HostText = z
  .string()
  .min(1)
  .max(300)
  .refine((s) => !s.includes("\u0000"), "must not contain the NUL character")
  .refine(isWellFormed, NOT_WELL_FORMED);

export const CreateBlockedHostInput = z
  .strictObject({
    host: HostText.openapi({
      description:
        "An exact host (`evil.example`, an IP address) or a suffix rule (`*.evil.example`: every name under evil.example, not evil.example " +
        "itself). Stored lowercase, without a trailing dot, international names in punycode, IP addresses in one spelling.",
      example: "*.evil.example",
    }),
  })
  .openapi("CreateBlockedHostInput");

export const BlockedHost = z
  .object({
    host: z.string().openapi({ example: "*.evil.example", description: "The rule, normalised" }),
    kind: z.enum(["exact", "suffix"]).openapi({ description: "exact: this host only; suffix: every name under it" }),
    createdBy: CreatedBy,
    createdAt: z.string().openapi({ description: "ISO 8601, UTC" }),
  })
  .openapi("BlockedHost");
export type BlockedHostJson = z.infer<typeof BlockedHost>;

export const BlocklistQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(100).openapi({ type: "integer", description: "Page size, 1 to 500" }),
  cursor: z.string().max(1000).optional().openapi({ description: "nextCursor of the previous page" }),
});

export const BlocklistPage = z
  .object({ data: z.array(BlockedHost), nextCursor: z.string().nullable() })
  .openapi("BlocklistPage", { description: "Rules in host order" });

export const BlockedHostParams = z.object({
  host: HostText.openapi({ param: { name: "host", in: "path" }, example: "*.evil.example", description: "The rule, as listed (or in any spelling that normalises to it)" }),
});
