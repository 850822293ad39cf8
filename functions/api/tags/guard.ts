/**
 * A tag is every link's: renaming or deleting one rewrites links a restricted key (some domains, or its own
 * links only) may not see, so only an unrestricted key may do it. Both faces, ours and Shlink's, apply it.
 */
import type { Principal } from "../../shared/auth/scopes.ts";
import { ApiError } from "../../shared/errors.ts";

/** Throws `refuse(detail)` (by default our 403 problem) for a restricted key. */
export function requireUnrestricted(
  p: Principal | undefined,
  what: "rename" | "delete",
  refuse: (detail: string) => ApiError = (detail) => new ApiError(403, detail),
) {
  if (p?.domains || p?.ownLinksOnly) {
    throw refuse(`You are not allowed to ${what} tags: a tag spans every link, and this key is restricted to some of them.`);
  }
}
