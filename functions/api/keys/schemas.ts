import { z } from "@hono/zod-openapi";
import { CreatedBy } from "../created-by.ts";
import { scopes } from "../../shared/auth/scopes.ts";
import { isWellFormed, NOT_WELL_FORMED } from "../../shared/validation.ts";
import { HostnameRef } from "../links/schemas.ts";

export const ScopeSchema = z.enum(scopes).openapi("Scope");

export const CreateKeyInput = z
  .strictObject({
    name: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .regex(/^[^\p{Cc}]+$/u, "must not contain control characters")
      .refine(isWellFormed, NOT_WELL_FORMED)
      .openapi({ example: "CI deploy bot" }),
    scopes: z.array(ScopeSchema).min(1).max(scopes.length * 4).openapi({ description: "Duplicates are dropped" }),
    domains: z.array(HostnameRef).min(1).max(100).optional().openapi({
      description: "Restriction: the key sees and creates only links on these domains (hostnames), and its analytics are theirs. Not for admin keys.",
    }),
    ownLinksOnly: z.boolean().optional().openapi({
      description: "Restriction: the key sees only the links it created, in every list and in the analytics. Not for admin keys.",
    }),
  })
  .openapi("CreateKeyInput");

const keyFields = {
  id: z.string(),
  name: z.string(),
  prefix: z.string().openapi({ description: "The key's first characters, to tell keys apart", example: "emu_3kT9xQ2a" }),
  scopes: z.array(ScopeSchema),
  domains: z.array(z.string()).nullable().openapi({ description: "The domains the key is restricted to; null: every domain" }),
  ownLinksOnly: z.boolean(),
  createdBy: CreatedBy,
  createdAt: z.string(),
};

export const CreatedKey = z
  .object({ ...keyFields, key: z.string().openapi({ description: "The key itself: shown this once, stored only as a hash" }) })
  .openapi("CreatedKey");

export const ApiKey = z
  .object({
    ...keyFields,
    lastUsedAt: z.string().nullable().openapi({ description: "Within about a minute" }),
    revokedAt: z.string().nullable(),
  })
  .openapi("ApiKey");

export const KeyParams = z.object({ id: z.uuid().openapi({ param: { name: "id", in: "path" } }) });
