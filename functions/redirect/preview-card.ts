/**
 * The page a link-preview fetcher (Slack, X, WhatsApp, ...) gets instead of the redirect when the link has a
 * preview card (docs/previews.md): Open Graph and Twitter Card tags of the card's title, description and image,
 * and og:url the short URL. It never names the destination (nor the fallback): a link with a password or a
 * click limit must not show it to a request that does not unlock or consume it, and the card is the same page
 * for every link. Every value is escaped by hono/html.
 */
import { html } from "hono/html";
import type { StoredPreview } from "../../db/schema.ts";
import type { Visit } from "./capture.ts";
import { COMMON_HEADERS } from "./respond.ts";

/**
 * Never stored by a cache (the same URL redirects people), and a page that runs nothing and loads nothing but
 * its card's https image.
 */
export const CARD_HEADERS = {
  ...COMMON_HEADERS,
  "content-type": "text/html; charset=utf-8",
  "cache-control": "private, no-store",
  "content-security-policy": "default-src 'none'; img-src https:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
} as const;

/** A field of the cached card as text (the links API wrote it; anything else in the entry is ignored). */
const textOf = (v: unknown) => (typeof v === "string" && v ? v : null);

/** The card's HTML for the short URL `shortUrl`. Without a title, the short URL stands in for it. */
export function previewCardPage(card: StoredPreview, shortUrl: string): string {
  const description = textOf(card.description);
  const rawImage = textOf(card.image);
  const image = rawImage?.startsWith("https://") ? rawImage : null;
  const title = textOf(card.title) ?? shortUrl.replace(/^https?:\/\//, "");
  return html`<!doctype html>
<html lang="en" prefix="og: https://ogp.me/ns#">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${title}</title>
<meta property="og:type" content="website">
<meta property="og:url" content="${shortUrl}">
<meta property="og:title" content="${title}">
${description ? html`<meta name="description" content="${description}">
<meta property="og:description" content="${description}">
` : ""}${image ? html`<meta property="og:image" content="${image}">
` : ""}<meta name="twitter:card" content="${image ? "summary_large_image" : "summary"}">
<meta name="twitter:title" content="${title}">
${description ? html`<meta name="twitter:description" content="${description}">
` : ""}${image ? html`<meta name="twitter:image" content="${image}">
` : ""}</head>
<body>
<main>
<h1>${title}</h1>
${description ? html`<p>${description}</p>
` : ""}${image ? html`<img src="${image}" alt="">
` : ""}</main>
</body>
</html>
`.toString();
}

/** 200 with the card; a HEAD gets the same status and headers without the body. */
export function previewCardResponse(visit: Visit, card: StoredPreview): Response {
  const body = visit.request.method === "HEAD" ? null : previewCardPage(card, `${visit.url.origin}/${visit.slug}`);
  return new Response(body, { status: 200, headers: CARD_HEADERS });
}
