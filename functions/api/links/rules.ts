/**
 * The rules a well-formed link body must still pass (422), and its translation into column values.
 * Shared by create, bulk create and patch so the three can never disagree.
 */
import type { links } from "../../../db/schema.ts";
import type { LinkCtx } from "../domains/resolve.ts";
import type { FieldError } from "../../shared/errors.ts";
import { hashPassword } from "../../shared/password.ts";
import { isReservedSlug } from "../../shared/slugs.ts";
import { routingPolicyErrors } from "./routing-policy.ts";
import { pointsAtShortLink, SHORT_LINK_LOOP, type ServedHosts } from "./served-hosts.ts";
import { toStoredRules, toStoredVariants } from "./routing-schemas.ts";
import { toStoredPreview } from "./preview-schemas.ts";
import type { CreateLinkInput, PatchLinkInput } from "./schemas.ts";

export type LinkValues = Partial<typeof links.$inferInsert>;

/** Origin of short URLs on the default domain: PUBLIC_BASE_URL, or the origin this request came in on. */
export function shortBase(c: LinkCtx): string {
  return (c.var.config.PUBLIC_BASE_URL ?? new URL(c.req.url).origin).replace(/\/+$/, "");
}

/** Origin of short URLs on `domain` (null: the default): {scheme of PUBLIC_BASE_URL}://{domain}. */
export function shortOrigin(c: LinkCtx, domain: string | null): string {
  const base = shortBase(c);
  return domain === null ? base : `${new URL(base).protocol}//${domain}`;
}

/**
 * 422-class problems of a body that passed its schema; empty when it may be stored. `hosts`: the hosts this
 * deployment serves (servedHosts), which no destination may point back at.
 */
export function policyErrors(input: PatchLinkInput, hosts: ServedHosts, now = Date.now()): FieldError[] {
  const errors: FieldError[] = [];
  if (input.slug !== undefined && isReservedSlug(input.slug)) {
    errors.push({ path: "slug", message: `"${input.slug}" is reserved for the service's own paths` });
  }
  for (const field of ["url", "fallbackUrl"] as const) {
    const value = input[field];
    if (value && pointsAtShortLink(hosts, value)) errors.push({ path: field, message: SHORT_LINK_LOOP });
  }
  if (input.expiresAt && Date.parse(input.expiresAt) <= now) {
    errors.push({ path: "expiresAt", message: "must be in the future" });
  }
  if (input.validSince && input.expiresAt && Date.parse(input.validSince) >= Date.parse(input.expiresAt)) {
    errors.push({ path: "validSince", message: "must be before expiresAt" });
  }
  errors.push(...routingPolicyErrors(input, (url) => pointsAtShortLink(hosts, url)));
  if (input.disabled === false && input.disabledReason) {
    errors.push({ path: "disabledReason", message: "cannot be given when enabling the link (disabled: false clears it)" });
  }
  return errors;
}

/** Whether `input` writes a destination, so its policy needs the served hosts (a title change does not). */
export const writesDestination = (input: PatchLinkInput) =>
  Boolean(input.url || input.fallbackUrl || input.rules?.length || input.variants?.length);

/**
 * Column values for the fields present in `input` (absent: untouched; null: cleared). URLs are stored in
 * their normalized form (WHATWG href: punycode host, percent-encoded path), which is always a valid
 * Location header; passwords only as a PBKDF2 hash, of `passwordIterations` (PASSWORD_ITERATIONS).
 */
export async function toValues(input: PatchLinkInput | CreateLinkInput, passwordIterations: number): Promise<LinkValues> {
  const v: LinkValues = {};
  if (input.url !== undefined) v.url = new URL(input.url).href;
  if (input.slug !== undefined) v.slug = input.slug;
  if (input.redirectType !== undefined) v.redirectType = input.redirectType ?? 302;
  if (input.title !== undefined) v.title = input.title;
  if (input.tags !== undefined) v.tags = [...new Set(input.tags ?? [])];
  if (input.expiresAt !== undefined) v.expiresAt = input.expiresAt === null ? null : new Date(input.expiresAt);
  if (input.validSince !== undefined) v.validSince = input.validSince === null ? null : new Date(input.validSince);
  if (input.maxClicks !== undefined) v.maxClicks = input.maxClicks;
  if (input.forwardQuery !== undefined) v.forwardQuery = input.forwardQuery ?? true;
  if (input.crawlable !== undefined) v.crawlable = input.crawlable ?? false;
  if (input.fallbackUrl !== undefined) v.fallbackUrl = input.fallbackUrl === null ? null : new URL(input.fallbackUrl).href;
  if (input.rules !== undefined) v.rules = input.rules === null ? [] : toStoredRules(input.rules);
  if (input.variants !== undefined) v.variants = input.variants === null ? null : toStoredVariants(input.variants);
  if (input.preview !== undefined) v.preview = toStoredPreview(input.preview);
  Object.assign(v, haltValues(input as PatchLinkInput)); // a create has none of these fields
  if (input.password !== undefined) v.passwordHash = input.password === null ? null : await hashPassword(input.password, passwordIterations);
  return v;
}

/**
 * The admin-only fields (ADMIN_LINK_FIELDS; the caller checked the scope). Disabling stamps the time; enabling
 * clears the time and the reason; a reason alone changes the shown reason of a disabled link.
 */
function haltValues(input: PatchLinkInput): LinkValues {
  const v: LinkValues = {};
  if (input.disabled === true) v.disabledAt = new Date();
  if (input.disabled === false) {
    v.disabledAt = null;
    v.disabledReason = null;
  }
  if (input.disabledReason !== undefined && input.disabled !== false) v.disabledReason = input.disabledReason;
  if (input.warning !== undefined) v.warning = input.warning;
  return v;
}
