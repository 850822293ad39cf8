/**
 * Who made a link, key, domain, webhook or person: the created_by columns store the maker's id (a person's
 * "usr_..." or a key's id), null for ADMIN_API_KEY; the API shows `createdBy: {type, id, name}`, the name read
 * at answer time by a join (db/queries/creators.ts), so a renamed person shows their new name.
 */
import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { creatorsOf } from "../../db/queries/creators.ts";
import type { AppEnv } from "../shared/app-env.ts";
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

/** `createdBy` of a created_by value: null stays null; a removed person keeps their id as their name. */
export function createdByOf(id: string | null, creators: ReadonlyMap<string, CreatedBy & {}>): CreatedBy {
  if (id === null) return null;
  return creators.get(id) ?? { type: id.startsWith("usr_") ? "user" : "key", id, name: id };
}

/** What the caller is as a maker, for rows it made in this request (no lookup needed). */
export function creatorsFromCaller(p: Principal | undefined): Map<string, CreatedBy & {}> {
  const id = creatorId(p);
  return id === null ? new Map() : new Map([[id, { type: p!.kind, id, name: p!.name }]]);
}

/** `createdBy` of each created_by value, the names read in one query (none when nothing has a maker). */
export async function makersOf(c: Context<AppEnv>, ids: readonly (string | null)[]): Promise<CreatedBy[]> {
  const creators = await creatorsOf(c.var.db(), ids);
  return ids.map((id) => createdByOf(id, creators));
}

/** `createdBy` of something the caller made in this request. */
export const madeByCaller = (c: Context<AppEnv>): CreatedBy => createdByOf(creatorId(c.var.principal), creatorsFromCaller(c.var.principal));
