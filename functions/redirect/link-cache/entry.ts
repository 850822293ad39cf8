/** The link as the redirect needs it: what every tier of the link cache holds. */
import type { LinkRow, StoredPreview } from "../../../db/schema.ts";
import type { Rule, Variant } from "../../api/links/routing-schemas.ts";

export interface CachedLink {
  id: string;
  slug: string;
  /** Hostname of its custom domain; null on the default domain (entries written before domains lack it: null). */
  domain?: string | null;
  url: string;
  redirectType: 301 | 302 | 307 | 308;
  /** Epoch ms, or null. */
  expiresAt: number | null;
  /** Epoch ms before which the link answers as unknown; present only when set (older entries lack it). */
  validSince?: number;
  /** false when the visitor's query is not forwarded; present only then, so ordinary entries stay as they were. */
  forwardQuery?: false;
  maxClicks: number | null;
  fallbackUrl: string | null;
  passwordHash: string | null;
  /** links.version: the order of this link's writes (redis-tier.ts compares it). */
  version: number;
  /** Epoch ms of the row's last write: orders writes of two different links that held the same slug. */
  updatedAt: number;
  /**
   * Routing (docs/routing.md), present only when the link has some, so an ordinary link's entry is as small
   * as before; entries written before routing existed lack both and are ordinary links.
   */
  rules?: Rule[];
  variants?: Variant[];
  /**
   * The card link-preview fetchers get instead of the redirect (docs/previews.md), present only when the link
   * has one, so an ordinary entry is as small as before and costs the redirect one property read.
   */
  preview?: StoredPreview;
  /**
   * An admin's decision about the link (docs/abuse.md), present only when there is one, so an ordinary entry
   * is as small as before and the fast path's check of it is one property read: `disabled` (410, with the
   * reason when given) or `warning` (a page with a "continue anyway" link instead of the redirect).
   */
  halt?: LinkHalt;
}

export interface LinkHalt {
  disabled?: { reason: string | null };
  warning?: string;
}

/** Stored for unknown slugs; a cached value without `id`. */
export const MISSING = { missing: true } as const;
export type CacheEntry = CachedLink | typeof MISSING;

export const isLink = (e: CacheEntry): e is CachedLink => "id" in e;

export function toCachedLink(row: LinkRow): CachedLink {
  return {
    id: row.id,
    slug: row.slug,
    domain: row.domain,
    url: row.url,
    redirectType: row.redirectType as CachedLink["redirectType"],
    expiresAt: row.expiresAt ? row.expiresAt.getTime() : null,
    ...(row.validSince ? { validSince: row.validSince.getTime() } : {}),
    ...(row.forwardQuery === false ? { forwardQuery: false as const } : {}),
    maxClicks: row.maxClicks,
    fallbackUrl: row.fallbackUrl,
    passwordHash: row.passwordHash,
    version: row.version,
    updatedAt: row.updatedAt.getTime(),
    // Stored only after the Rule and Variant schemas accepted them; compile.ts copes with anything anyway.
    ...(row.rules?.length ? { rules: row.rules as Rule[] } : {}),
    ...(row.variants?.length ? { variants: row.variants as Variant[] } : {}),
    ...(row.preview ? { preview: row.preview } : {}),
    ...(row.disabledAt || row.warning ? { halt: haltOf(row) } : {}),
  };
}

function haltOf(row: LinkRow): LinkHalt {
  return {
    ...(row.disabledAt ? { disabled: { reason: row.disabledReason } } : {}),
    ...(row.warning ? { warning: row.warning } : {}),
  };
}

/** A value read back from Redis as a cache entry; null when absent or not one of ours. */
export function parseCacheEntry(value: unknown): CacheEntry | null {
  if (!value || typeof value !== "object") return null;
  const v = value as Record<string, unknown>;
  if (v.missing === true) return MISSING;
  if (typeof v.id === "string" && typeof v.slug === "string" && typeof v.url === "string") return v as unknown as CachedLink;
  return null;
}
