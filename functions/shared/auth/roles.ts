/**
 * A person's role, mapped onto the API's scopes: a person is one more kind of principal, with no second
 * permission system. Only an owner manages owners (functions/api/users/).
 */
import type { Scope } from "./scopes.ts";

export const roles = ["owner", "admin", "editor", "viewer"] as const;
export type Role = (typeof roles)[number];

export const ROLE_SCOPES: Record<Role, readonly Scope[]> = {
  owner: ["links:read", "links:write", "analytics:read", "admin"],
  admin: ["links:read", "links:write", "analytics:read", "admin"],
  editor: ["links:read", "links:write", "analytics:read"],
  viewer: ["links:read", "analytics:read"],
};

export const isRole = (s: string): s is Role => (roles as readonly string[]).includes(s);
