/**
 * Shlink's short URL bodies as the links API's (create and patch), checked by the links API's own schemas,
 * so a link is accepted or refused alike through either face. Field names: longUrl = url, customSlug = slug,
 * validUntil = expiresAt, maxVisits = maxClicks.
 */
import type { z } from "@hono/zod-openapi";
import { CreateLinkInput, PatchLinkInput } from "../links/schemas.ts";
import { fieldErrors } from "../../shared/validation.ts";
import { invalidData } from "./errors.ts";
import type { CreateShortUrlInput, EditShortUrlInput } from "./schemas.ts";

const defined = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

/** The fields both bodies have, under our names. */
const sharedFields = (s: CreateShortUrlInput | EditShortUrlInput) => ({
  url: s.longUrl,
  title: s.title,
  validSince: s.validSince,
  expiresAt: s.validUntil,
  maxClicks: s.maxVisits,
  crawlable: s.crawlable,
  forwardQuery: s.forwardQuery,
});

/** `mapped` through the links API's schema; its refusal in Shlink's terms. */
function checked<S extends z.ZodType>(schema: S, mapped: Record<string, unknown>): z.output<S> {
  const r = schema.safeParse(defined(mapped));
  if (!r.success) throw invalidData(fieldErrors(r.error.issues));
  return r.data;
}

export function toCreateLinkInput(s: CreateShortUrlInput, domain: string | null): CreateLinkInput {
  return checked(CreateLinkInput, { ...sharedFields(s), slug: s.customSlug, domain: domain ?? undefined, tags: s.tags });
}

export function toPatchLinkInput(s: EditShortUrlInput): PatchLinkInput {
  // Shlink clears tags with an empty list; null means the same here.
  return checked(PatchLinkInput, { ...sharedFields(s), tags: s.tags === null ? [] : s.tags });
}
