/**
 * Shlink's short URL bodies as the links API's (create and patch), checked by the links API's own schemas,
 * so a link is accepted or refused alike through either face. Field names: longUrl = url, customSlug = slug,
 * validUntil = expiresAt, maxVisits = maxClicks.
 */
import { CreateLinkInput, PatchLinkInput } from "../links/schemas.ts";
import { fieldErrors } from "../../shared/validation.ts";
import { invalidData } from "./errors.ts";
import type { CreateShortUrlInput, EditShortUrlInput } from "./schemas.ts";

const defined = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

export function toCreateLinkInput(s: CreateShortUrlInput, domain: string | null): CreateLinkInput {
  const mapped = defined({
    url: s.longUrl,
    slug: s.customSlug,
    domain: domain ?? undefined,
    title: s.title,
    tags: s.tags,
    validSince: s.validSince,
    expiresAt: s.validUntil,
    maxClicks: s.maxVisits,
    crawlable: s.crawlable,
    forwardQuery: s.forwardQuery,
  });
  const r = CreateLinkInput.safeParse(mapped);
  if (!r.success) throw invalidData(fieldErrors(r.error.issues));
  return r.data;
}

export function toPatchLinkInput(s: EditShortUrlInput): PatchLinkInput {
  const mapped = defined({
    url: s.longUrl,
    title: s.title,
    // Shlink clears tags with an empty list; null means the same here.
    tags: s.tags === null ? [] : s.tags,
    validSince: s.validSince,
    expiresAt: s.validUntil,
    maxClicks: s.maxVisits,
    crawlable: s.crawlable,
    forwardQuery: s.forwardQuery,
  });
  const r = PatchLinkInput.safeParse(mapped);
  if (!r.success) throw invalidData(fieldErrors(r.error.issues));
  return r.data;
}
