/**
 * Who made a link, key, domain, webhook or person: the created_by columns store the maker's id (a person's
 * "usr_..." or a key's id), null for ADMIN_API_KEY; the API shows `createdBy: {type, id, name}`, the name read
 * at answer time by a join (db/queries/creators.ts), so a renamed person shows their new name.
 */
import { z } from "@hono/zod-openapi";
import type { Principal } from "../shared/auth/scopes.ts";

/** What a created_by column stores for `p`: null for the deployment's admin key (and when there is no caller). */
export const creatorId = (p: Principal | undefined): string | null => (!p || (p.kind === "key" && p.id === "admin") ? null : p.id);

export const CreatedBy = z
  .object({
    type: z.enum(["user", "key"]),
    id: z.string(),
    name: z.string().openapi({ description: "The person's name (else email) or the key's name, as they are now; for a removed person, their id" }),
  })
  .nullable()
  .openapi("CreatedBy", { description: "Who made it; null: the deployment's ADMIN_API_KEY, or made before this was recorded" });
export type CreatedBy = z.infer<typeof CreatedBy>;
