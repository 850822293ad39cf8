/**
 * What a destination URL must be, for a link's url and fallbackUrl (./schemas.ts) and for its routing rules
 * and variants (./routing-schemas.ts). A module of its own so those two do not import each other: in a cycle
 * whichever loads second would see the other's exports still undefined.
 */
export const MAX_URL_LENGTH = 2048;

/** Why `s` is not an acceptable destination, or null. Checked on the normalized form, which is what is stored. */
export function httpUrlProblem(s: string): string | null {
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    return "is not a valid absolute URL";
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") return "must use http or https";
  if (!u.hostname) return "must name a host";
  if (u.href.length > MAX_URL_LENGTH) return `is longer than ${MAX_URL_LENGTH} characters once normalized`;
  return null;
}
