/**
 * A link's preview card (docs/previews.md): what link-preview fetchers (Slack, X, WhatsApp, ...) are shown
 * instead of the redirect. Validation and documentation in one, and the stored form.
 */
import { z } from "@hono/zod-openapi";
import type { StoredPreview } from "../../../db/schema.ts";
import { isWellFormed, NOT_WELL_FORMED } from "../../shared/validation.ts";
import { MAX_URL_LENGTH } from "./http-url.ts";

/** The longest title and description a card takes (they also bound an imported row: functions/imports/row-bound.ts). */
export const PREVIEW_LIMITS = { title: 200, description: 1_000, image: MAX_URL_LENGTH } as const;

/**
 * One line of text for a meta tag: no control characters (a newline or NUL has no place in a card, and NUL
 * cannot be stored), no lone surrogate. Empty or blank text means none (stored as null).
 */
const cardText = (max: number, description: string) =>
  z
    .string()
    .max(max)
    .regex(/^[^\p{Cc}]*$/u, "must not contain control characters (line breaks included)")
    .refine(isWellFormed, NOT_WELL_FORMED)
    .openapi({ description });

/** Why `s` is no image a card may name (an absolute https URL a fetcher can load), or null when it is one. */
export function previewImageProblem(s: string): string | null {
  let url: URL;
  try {
    url = new URL(s);
  } catch {
    return "must be an absolute https URL";
  }
  if (url.protocol !== "https:") return "must be an https URL";
  if (!url.hostname) return "must name a host";
  if (url.username || url.password) return "must not carry a user name or password";
  return null;
}

const ImageUrl = z
  .string()
  .max(PREVIEW_LIMITS.image)
  .superRefine((s, ctx) => {
    const problem = isWellFormed(s) ? (s.trim() === "" ? null : previewImageProblem(s)) : NOT_WELL_FORMED;
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  })
  .openapi({ format: "uri", description: "An https URL of the card's image (1200×630 suits most networks)", example: "https://example.com/card.png" });

export const PreviewInput = z
  .strictObject({
    title: cardText(PREVIEW_LIMITS.title, `og:title, at most ${PREVIEW_LIMITS.title} characters`).nullish(),
    description: cardText(PREVIEW_LIMITS.description, `og:description, at most ${PREVIEW_LIMITS.description} characters`).nullish(),
    image: ImageUrl.nullish(),
  })
  .openapi("LinkPreviewInput", {
    description: "The card link-preview fetchers get instead of the redirect; each field optional, empty or null is none. A card with no field set is none",
  });
export type PreviewInput = z.infer<typeof PreviewInput>;

export const Preview = z
  .object({ title: z.string().nullable(), description: z.string().nullable(), image: z.string().nullable() })
  .openapi("LinkPreview", { description: "The card link-preview fetchers (Slack, X, WhatsApp, ...) get instead of the redirect (docs/previews.md)" });
export type Preview = z.infer<typeof Preview>;

/** Create, patch and bulk: null (or a card with no field set) removes the card; a card replaces the whole card. */
export const previewInputFields = { preview: PreviewInput.nullish() };
export const previewOutputFields = { preview: Preview.nullable() };

const orNull = (s: string | null | undefined) => (s == null || s.trim() === "" ? null : s);

/**
 * Stored form: fields in one order, blank ones null, the image normalized as a link's URLs are (WHATWG href);
 * null when no field is set, so a link without a card has no card however it was sent.
 */
export function toStoredPreview(input: PreviewInput | null): StoredPreview | null {
  if (!input) return null;
  const image = orNull(input.image);
  const card = { title: orNull(input.title), description: orNull(input.description), image: image === null ? null : new URL(image).href };
  return card.title === null && card.description === null && card.image === null ? null : card;
}

/**
 * A stored card as the API shows it, fields in the Link's order (jsonb keeps its keys in an order of its own);
 * null for none, and for rows from before the column (an outbox event's to_jsonb lacks it).
 */
export function presentPreview(stored: StoredPreview | null | undefined): Preview | null {
  if (!stored) return null;
  return { title: stored.title ?? null, description: stored.description ?? null, image: stored.image ?? null };
}

/** Whether two stored cards say the same (key order aside). */
export const samePreview = (a: StoredPreview | null | undefined, b: StoredPreview | null | undefined) =>
  JSON.stringify(presentPreview(a)) === JSON.stringify(presentPreview(b));
