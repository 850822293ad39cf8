/** A users row as the API shows it, and the rules every change to people keeps. */
import type { Context } from "hono";
import type { UserRow } from "../../../db/schema.ts";
import { DEFAULT_DOMAIN_ROW } from "../../../db/schema.ts";
import type { AppEnv } from "../../shared/app-env.ts";
import type { Role } from "../../shared/auth/roles.ts";
import type { Principal } from "../../shared/auth/scopes.ts";
import { ApiError, type FieldError } from "../../shared/errors.ts";
import { lookupDomains } from "../domains/resolve.ts";
import { restrictionsOf } from "../keys/present.ts";
import type { User } from "./schemas.ts";

export function presentUser(c: Context<AppEnv>, row: UserRow): User {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role as Role,
    ...restrictionsOf(c, row),
    disabled: row.disabled,
    createdAt: row.createdAt.toISOString(),
    lastSeenAt: row.lastSeenAt?.toISOString() ?? null,
  };
}

/**
 * Whether the caller may make or change owners: a person who is an enabled owner (`owners`, read under lock
 * in the transaction of the change), or ADMIN_API_KEY, the deployment's root. A key with the admin scope is not.
 */
export const isOwnerCaller = (p: Principal, owners: readonly string[]) => (p.kind === "key" ? p.id === "admin" : owners.includes(p.id));

export const notOwner = () => new ApiError(403, "Only an owner makes owners or changes an owner.");

export const lastOwner = () =>
  new ApiError(409, "This is the last owner: make someone else an owner first.", { errors: [{ path: "role", message: "the last owner cannot be removed, demoted or disabled" }] });

/** The stored form of `domains` (api_keys.domains' form), 422 for one that is not a domain of this service. */
export async function storedDomains(c: Context<AppEnv>, domains: readonly string[]): Promise<string[]> {
  const refs = await lookupDomains(c, domains);
  const errors: FieldError[] = [];
  domains.forEach((d, i) => {
    if (refs.get(d) === undefined) errors.push({ path: `domains.${i}`, message: "is not a domain of this service" });
  });
  if (errors.length) throw new ApiError(422, "The person cannot be set up so: see errors.", { errors });
  return [...new Set(domains.map((d) => refs.get(d) ?? DEFAULT_DOMAIN_ROW))];
}

/** 422 for restrictions on an owner or admin: they manage people and keys, so could lift their own. */
export function checkRestrictable(role: string, domains: readonly string[] | null, ownLinksOnly: boolean) {
  if ((domains || ownLinksOnly) && (role === "owner" || role === "admin")) {
    throw new ApiError(422, "The person cannot be set up so: see errors.", {
      errors: [{ path: domains ? "domains" : "ownLinksOnly", message: `an ${role} cannot be restricted` }],
    });
  }
}
