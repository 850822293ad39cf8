/** The redirect's responses: where to send the visitor, and the headers every answer of /{slug} carries. */

/**
 * The destination with the short URL's query string forwarded. The link's own parameters win: a key already
 * in the destination keeps the owner's value(s) and the visitor's value for it is dropped; other pairs are
 * appended in their order, byte for byte. The owner's query is never re-encoded.
 */
export function forwardQuery(destination: string, shortQuery: string): string {
  if (!shortQuery) return destination;
  let url: URL;
  try {
    url = new URL(destination);
  } catch {
    return destination; // the API only stores parseable URLs; never fail a redirect over this
  }
  const taken = new Set(url.searchParams.keys());
  const extra = shortQuery
    .split("&")
    .filter((pair) => pair && !taken.has(new URLSearchParams(pair).keys().next().value ?? ""));
  if (!extra.length) return url.href;
  url.search = (url.search ? `${url.search.slice(1)}&` : "") + extra.join("&");
  return url.href;
}

/**
 * Temporary redirects are never stored by browsers or shared caches, so every click reaches us and is counted.
 * Permanent ones are cached by browsers whatever we say; a short max-age bounds how long a changed or deleted
 * link keeps redirecting from a browser's cache (and how many repeat clicks we miss) to 90 seconds.
 */
export function cacheControlFor(status: number): string {
  return status === 301 || status === 308 ? "private, max-age=90" : "private, no-store";
}

/** On every answer of /{slug}: short links are not pages to index, and leak nothing beyond the origin. */
export const COMMON_HEADERS = {
  "x-robots-tag": "noindex",
  "referrer-policy": "strict-origin-when-cross-origin",
} as const;

export function redirectTo(status: 301 | 302 | 303 | 307 | 308, location: string): Response {
  return new Response(null, {
    status,
    headers: { location, "cache-control": cacheControlFor(status), ...COMMON_HEADERS },
  });
}
