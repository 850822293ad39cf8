/** The User resource and the bodies of the people routes (functions/api/users/). */
import { z } from "@hono/zod-openapi";
import { roles } from "../../shared/auth/roles.ts";
import { isWellFormed, NOT_WELL_FORMED } from "../../shared/validation.ts";
import { HostnameRef } from "../links/schemas.ts";

export const RoleSchema = z.enum(roles).openapi("Role", {
  description: "owner: everything, owners included; admin: the admin scope; editor: links:read, links:write, analytics:read; viewer: links:read, analytics:read",
});

const Name = z
  .string()
  .trim()
  .max(200)
  .regex(/^[^\p{Cc}]*$/u, "must not contain control characters")
  .refine(isWellFormed, NOT_WELL_FORMED);

const restrictions = {
  domains: z.array(HostnameRef).min(1).max(100).nullish().openapi({
    description: "Restriction: the person sees and creates only links on these domains (hostnames), as an API key's `domains`; null: every domain. Not for owners and admins.",
  }),
  ownLinksOnly: z.boolean().optional().openapi({
    description: "Restriction: the person sees only the links they created, as an API key's `ownLinksOnly`. Not for owners and admins.",
  }),
};

export const CreateUserInput = z
  .strictObject({
    email: z
      .email()
      .max(254)
      .transform((s) => s.toLowerCase())
      .openapi({ type: "string", format: "email", example: "grace@example.com", description: "Taken up by the first sign-in with this address (its provider must say it is verified)" }),
    role: RoleSchema,
    name: Name.optional(),
    ...restrictions,
  })
  .openapi("CreateUserInput");

export const PatchUserInput = z
  .strictObject({
    role: RoleSchema.optional(),
    name: Name.optional(),
    ...restrictions,
    disabled: z.boolean().optional().openapi({ description: "A disabled person's sessions end at once and they cannot sign in" }),
  })
  .openapi("PatchUserInput", { description: "Each field optional; `domains: null` lifts that restriction" });

export const User = z
  .object({
    id: z.string().openapi({ example: "usr_3kT9xQ2aLm8PqR4s" }),
    email: z.string(),
    name: z.string(),
    role: RoleSchema,
    domains: z.array(z.string()).nullable().openapi({ description: "The domains the person is restricted to; null: every domain" }),
    ownLinksOnly: z.boolean(),
    disabled: z.boolean(),
    createdAt: z.string(),
    lastSeenAt: z.string().nullable().openapi({ description: "null: has not signed in yet (an invitation)" }),
  })
  .openapi("User");
export type User = z.infer<typeof User>;

export const UserList = z.object({ data: z.array(User) }).openapi("UserList");

export const UserParams = z.object({
  id: z.string().regex(/^usr_[A-Za-z0-9]{16}$/, "is not a person's id").openapi({ param: { name: "id", in: "path" }, example: "usr_3kT9xQ2aLm8PqR4s" }),
});
