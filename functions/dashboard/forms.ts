/**
 * Between HTML forms and API bodies. The dashboard does not judge values itself (the API does, with the
 * same rules for everyone); it only turns form strings into the JSON types the API expects, and turns the
 * API's problem back into messages beside the fields they concern.
 */
import type { Link } from "../api/links/schemas.ts";
import type { PreviewInput } from "../api/links/preview-schemas.ts";
import type { Problem } from "../shared/errors.ts";
import { readRoutingForm, routingBody, routingToForm, type RuleRow, type VariantRow } from "./routing-form.ts";
import { parseWallTime, toWallInput } from "./wall-time.ts";

/** Field name -> message; "" holds what concerns no single field. */
export type FormErrors = Record<string, string>;

export function formErrors(problem: Problem, fields: readonly string[]): FormErrors {
  const out: FormErrors = {};
  const loose: string[] = [];
  for (const e of problem.errors ?? []) {
    // "tags.2" belongs to the tags field; "(root)" or an unknown path to the form as a whole.
    const field = fields.includes(e.path) ? e.path : e.path.split(".")[0];
    if (fields.includes(field)) out[field] = out[field] ? `${out[field]} ${e.message}` : e.message;
    else loose.push(e.path === "(root)" ? e.message : `${e.path}: ${e.message}`);
  }
  // When every complaint sits beside its field, the API's generic "see errors" would only repeat them.
  const generic = problem.errors?.length && !loose.length;
  out[""] = generic ? "Check the fields marked below." : [problem.detail, ...loose].join(" ");
  return out;
}

/** The link form's fields as the browser sends them: strings, before any conversion. */
export interface LinkFormValues {
  url: string;
  slug: string;
  /** Create only: the hostname of the domain; "" for the default. */
  domain: string;
  title: string;
  tags: string;
  /** Wall time in the form's zone before which the link answers 404; "" = at once. */
  validSince: string;
  expiresAt: string;
  maxClicks: string;
  fallbackUrl: string;
  redirectType: string;
  password: string;
  /** "on": the visitor's query string is not forwarded (a checkbox, so unchecked is the default: forwarded). */
  noForwardQuery: string;
  /** "on": robots.txt allows the link. */
  crawlable: string;
  /** Edit only: "on" clears the password. */
  removePassword: string;
  /** The routing editor's rows (routing-form.ts). */
  rules: RuleRow[];
  variants: VariantRow[];
  /** The preview card's fields; all three empty: no card. */
  previewTitle: string;
  previewDescription: string;
  previewImage: string;
}

export const linkFields = [
  "url", "slug", "domain", "title", "tags", "validSince", "expiresAt", "maxClicks", "fallbackUrl", "redirectType", "password", "rules", "variants",
  // The card's errors sit beside each of its fields ("preview" alone: the card as a whole).
  "preview", "preview.title", "preview.description", "preview.image",
] as const;

export function readLinkForm(body: Record<string, unknown>): LinkFormValues {
  const s = (k: string) => (typeof body[k] === "string" ? (body[k] as string) : "");
  return {
    url: s("url").trim(), slug: s("slug").trim(), domain: s("domain").trim(), title: s("title").trim(), tags: s("tags"),
    validSince: s("validSince"), expiresAt: s("expiresAt"), maxClicks: s("maxClicks").trim(), fallbackUrl: s("fallbackUrl").trim(),
    redirectType: s("redirectType"), password: s("password"), removePassword: s("removePassword"),
    noForwardQuery: s("noForwardQuery"), crawlable: s("crawlable"),
    previewTitle: s("previewTitle").trim(), previewDescription: s("previewDescription").trim(), previewImage: s("previewImage").trim(),
    ...readRoutingForm(body),
  };
}

export function linkToForm(link: Link, tz: string): LinkFormValues {
  return {
    url: link.url, slug: link.slug, domain: link.domain, title: link.title ?? "", tags: link.tags.join(", "),
    validSince: toWallInput(link.validSince, tz), expiresAt: toWallInput(link.expiresAt, tz), maxClicks: link.maxClicks?.toString() ?? "",
    fallbackUrl: link.fallbackUrl ?? "", redirectType: String(link.redirectType), password: "", removePassword: "",
    noForwardQuery: link.forwardQuery ? "" : "on", crawlable: link.crawlable ? "on" : "",
    previewTitle: link.preview?.title ?? "", previewDescription: link.preview?.description ?? "", previewImage: link.preview?.image ?? "",
    ...routingToForm(link),
  };
}

/** The card the form describes; null when its three fields are empty (no card, or the card removed). */
export function previewBody(f: LinkFormValues): PreviewInput | null {
  if (!f.previewTitle && !f.previewDescription && !f.previewImage) return null;
  return { title: f.previewTitle || null, description: f.previewDescription || null, image: f.previewImage || null };
}

const tagList = (s: string) => s.split(",").map((t) => t.trim()).filter(Boolean);
/** Whole numbers become numbers; anything else goes as typed, for the API to explain what is wrong with it. */
const num = (s: string) => (/^-?\d+$/.test(s) ? Number(s) : s);
/** A wall time in tz becomes an ISO instant; an unparsable value goes as typed, for the API to refuse. */
const instant = (s: string, tz: string) => parseWallTime(s, tz)?.toISOString() ?? s;

/** Create body: empty optional fields are left out. */
export function createBody(f: LinkFormValues, tz: string): Record<string, unknown> {
  const body: Record<string, unknown> = { url: f.url };
  if (f.slug) body.slug = f.slug;
  if (f.domain) body.domain = f.domain;
  if (f.title) body.title = f.title;
  if (tagList(f.tags).length) body.tags = tagList(f.tags);
  if (f.validSince) body.validSince = instant(f.validSince, tz);
  if (f.expiresAt) body.expiresAt = instant(f.expiresAt, tz);
  if (f.maxClicks) body.maxClicks = num(f.maxClicks);
  if (f.noForwardQuery === "on") body.forwardQuery = false;
  if (f.crawlable === "on") body.crawlable = true;
  if (f.fallbackUrl) body.fallbackUrl = f.fallbackUrl;
  if (f.redirectType) body.redirectType = num(f.redirectType);
  if (f.password) body.password = f.password;
  const routing = routingBody(f);
  if (routing.rules.length) body.rules = routing.rules;
  if (routing.variants) body.variants = routing.variants;
  const preview = previewBody(f);
  if (preview) body.preview = preview;
  return body;
}

/** PATCH body: every editable field is sent, empty ones as null (cleared); the password only when changed. */
export function patchBody(f: LinkFormValues, tz: string): Record<string, unknown> {
  const body: Record<string, unknown> = {
    url: f.url,
    title: f.title || null,
    tags: tagList(f.tags),
    validSince: f.validSince ? instant(f.validSince, tz) : null,
    expiresAt: f.expiresAt ? instant(f.expiresAt, tz) : null,
    maxClicks: f.maxClicks ? num(f.maxClicks) : null,
    forwardQuery: f.noForwardQuery !== "on",
    crawlable: f.crawlable === "on",
    fallbackUrl: f.fallbackUrl || null,
    redirectType: num(f.redirectType || "302"),
    // An emptied editor clears them: [] and null.
    ...routingBody(f),
    // Emptied fields remove the card.
    preview: previewBody(f),
  };
  if (f.removePassword === "on") body.password = null;
  else if (f.password) body.password = f.password;
  return body;
}

/** A form body the browser could not have sent (malformed multipart, a charset we cannot decode): a 400. */
export class FormUnreadable extends Error {}

/** The posted form; FormUnreadable when its body cannot be parsed. */
export async function readForm<T extends boolean = false>(
  c: { req: { parseBody: (o?: { all?: T }) => Promise<Record<string, unknown>> } },
  opts: { all?: T } = {},
): Promise<Record<string, unknown>> {
  try {
    return await c.req.parseBody(opts);
  } catch (e) {
    throw new FormUnreadable(e instanceof Error ? e.message : String(e));
  }
}
