/**
 * Slug rules, shared by the links API (what may be created) and the redirect (what may be looked up).
 * Slugs are case-sensitive; reserved words are compared case-insensitively so that "Docs" cannot shadow
 * /docs for a person typing the address.
 */
import { randomBase62 } from "./crypto.ts";

export const MAX_SLUG_LENGTH = 64;
export const SLUG_PATTERN = new RegExp(`^[A-Za-z0-9_-]{1,${MAX_SLUG_LENGTH}}$`);
export const RANDOM_SLUG_LENGTH = 7;

/**
 * Paths the service answers itself, or may one day, plus platform paths (cdn-cgi is Cloudflare's,
 * __scheduled wrangler's). Entries with a dot cannot match the slug pattern today; they stay listed so that
 * widening the pattern can never let a slug take one of them over.
 */
export const RESERVED_SLUGS: ReadonlySet<string> = new Set([
  "api", "app", "docs", "healthz", "openapi.json", "favicon.ico", "robots.txt", "assets", "_", ".well-known",
  "openapi", "health", "status", "metrics", "admin", "dashboard", "login", "logout", "signup", "signin",
  "register", "auth", "oauth", "account", "settings", "static", "public", "www", "v1", "cdn-cgi",
  "__scheduled", "sitemap.xml", "manifest.json", "index.html", "security.txt", "humans.txt",
  "report",
]);

/** A slug that matches the pattern may still be refused: reserved words, and anything starting with "_". */
export function isReservedSlug(slug: string): boolean {
  return slug.startsWith("_") || RESERVED_SLUGS.has(slug.toLowerCase());
}

export function isValidSlug(slug: string): boolean {
  return SLUG_PATTERN.test(slug);
}

/** `length` (by default seven: about 3.5e12 values) base62 characters from crypto.getRandomValues; never a reserved word. */
export function randomSlug(length = RANDOM_SLUG_LENGTH): string {
  for (;;) {
    const slug = randomBase62(length);
    if (!isReservedSlug(slug)) return slug;
  }
}
