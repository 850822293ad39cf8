/** The Link resource and the bodies and parameters of the links routes: validation and documentation in one. */
import { z } from "@hono/zod-openapi";
import { HostnameRef } from "../../shared/hostnames.ts";
import { CreatedBy } from "../created-by.ts";
import { MAX_SLUG_LENGTH, SLUG_PATTERN } from "../../shared/slugs.ts";

export { HostnameRef };
import { isWellFormed, NOT_WELL_FORMED } from "../../shared/validation.ts";
import { httpUrlProblem, MAX_URL_LENGTH } from "./http-url.ts";
import { routingInputFields, routingOutputFields } from "./routing-schemas.ts";
import { previewInputFields, previewOutputFields } from "./preview-schemas.ts";
import { inStorableRange } from "../../shared/instants.ts";

export { httpUrlProblem, MAX_URL_LENGTH } from "./http-url.ts";

export const redirectTypes = [301, 302, 307, 308] as const;

/** Text that Postgres can store as sent: its text type refuses the NUL character, UTF-8 has no lone surrogates. */
const text = (max: number) =>
  z.string().max(max).refine((s) => !s.includes("\u0000"), "must not contain the NUL character").refine(isWellFormed, NOT_WELL_FORMED);

/** Instants JS and Postgres both read: ISO text past 9999 (+010000-...) is neither zod's nor Postgres' format. */

const HttpUrl = z
  .string()
  .max(MAX_URL_LENGTH)
  .superRefine((s, ctx) => {
    const problem = isWellFormed(s) ? httpUrlProblem(s) : NOT_WELL_FORMED;
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  })
  .openapi({ format: "uri", example: "https://example.com/a/long/path?utm_source=news" });

export const Slug = z
  .string()
  .regex(SLUG_PATTERN, `must be 1 to ${MAX_SLUG_LENGTH} characters of A-Z, a-z, 0-9, _ and -`)
  .openapi({ example: "launch-2026" });

// The document generator shows only the first value of a multi-value literal: spell the enum out.
const RedirectType = z
  .literal(redirectTypes)
  .openapi({ type: "integer", enum: [...redirectTypes], description: "HTTP status of the redirect" });
/** The longest title, tag and password, and the most tags, a link takes (they also bound an imported row: functions/imports/row-bound.ts). */
export const LINK_TEXT_LIMITS = { title: 500, tag: 50, tags: 20, password: 256 } as const;

const Title = text(LINK_TEXT_LIMITS.title);
/** One tag, as links carry it: the tags routes name and rename tags with the same rule. */
export const Tag = z
  .string()
  .trim()
  .min(1)
  .max(LINK_TEXT_LIMITS.tag)
  .regex(/^[^\p{Cc}]+$/u, "must not contain control characters")
  .refine(isWellFormed, NOT_WELL_FORMED);
const Tags = z
  .array(Tag)
  .max(LINK_TEXT_LIMITS.tags)
  .openapi({ description: "Up to 20 tags of at most 50 characters; duplicates are dropped" });
const ExpiresAt = z.iso
  .datetime({ offset: true })
  // 9999-12-31T23:59:59-23:59 passes the pattern but is an instant in the year 10000, 0001-01-01T00:00+01:00 one in year 0.
  .refine((s) => inStorableRange(Date.parse(s)), "must be in the years 1 to 9999 (UTC)")
  .openapi({ description: "ISO 8601 with a zone, in the future; after it the link answers 410 or its fallback" });
const ValidSince = ExpiresAt.openapi({
  description: "ISO 8601 with a zone; before it the link answers as if it did not exist (404, or the domain's notFoundRedirect)",
});
const ForwardQuery = z.boolean().openapi({ description: "Append the visitor's query string to the destination (default true)" });
const Crawlable = z.boolean().openapi({ description: "Allowed to crawlers in the domain's robots.txt (default false)" });
const MaxClicks = z
  .int()
  .min(1)
  .max(2_147_483_647)
  .openapi({ description: "Human clicks after which the link answers 410 or its fallback" });
const Password = text(LINK_TEXT_LIMITS.password).min(1).openapi({ description: "Visitors must enter it; stored as a salted hash, never returned" });

/** Fields that create and patch share; null means none (on create) or clears the field (on patch). */
const clearable = {
  title: Title.nullish(),
  tags: Tags.nullish(),
  validSince: ValidSince.nullish(),
  expiresAt: ExpiresAt.nullish(),
  forwardQuery: ForwardQuery.nullish(),
  crawlable: Crawlable.nullish(),
  maxClicks: MaxClicks.nullish(),
  fallbackUrl: HttpUrl.nullish(),
  password: Password.nullish(),
  ...routingInputFields,
  ...previewInputFields,
};

export const CreateLinkInput = z
  .strictObject({
    url: HttpUrl,
    slug: Slug.optional().openapi({ description: "Custom slug; a random 7-character one when absent" }),
    domain: HostnameRef.nullish().openapi({ description: "Hostname of the domain to create it on; absent or null: the default domain" }),
    redirectType: RedirectType.optional().openapi({ default: 302 }),
    ...clearable,
  })
  .openapi("CreateLinkInput");
export type CreateLinkInput = z.infer<typeof CreateLinkInput>;

/** The longest reason a disabled link shows, and warning it carries. */
export const HALT_TEXT_MAX = 500;

/** Fields only an admin may send (a PATCH naming one without the admin scope is refused, 403): docs/abuse.md. */
export const ADMIN_LINK_FIELDS = ["disabled", "disabledReason", "warning"] as const;
const adminOnly = {
  disabled: z.boolean().optional().openapi({ description: "Admin only. true: the link answers 410 with a page saying it was disabled; false: it works again" }),
  disabledReason: text(HALT_TEXT_MAX).nullish().openapi({ description: "Admin only. Shown on the disabled page (escaped)" }),
  warning: text(HALT_TEXT_MAX).min(1).nullish().openapi({ description: "Admin only. Visitors get a warning page naming it, with a \"continue anyway\" link, instead of the redirect; null clears it" }),
};

export const PatchLinkInput = z
  .strictObject({
    url: HttpUrl.optional(),
    slug: Slug.optional().openapi({ description: "A new slug: the old short URL stops working" }),
    domain: HostnameRef.nullish().openapi({ description: "Move the link to this domain (null: the default); the old short URL stops working" }),
    redirectType: RedirectType.nullish().openapi({ description: "null restores the default, 302" }),
    ...clearable,
    ...adminOnly,
  })
  .openapi("PatchLinkInput", { description: "Each field optional; null clears it" });
export type PatchLinkInput = z.infer<typeof PatchLinkInput>;

export const HEALTH_STATUSES = ["ok", "broken", "unsafe"] as const;

/** What the last health check of the destination found (docs/abuse.md, "Link health"). */
export const LinkHealth = z
  .object({
    status: z.enum(HEALTH_STATUSES).openapi({
      description: "ok: it answers (401, 403 and 429 included); broken: 404 or 410, too many redirects, or failing several checks in a row; unsafe: flagged by Google Safe Browsing",
    }),
    httpStatus: z.int().nullable().openapi({ description: "Status of the last answer (after redirects); null when none came" }),
    checkedAt: z.string().openapi({ description: "ISO 8601 UTC of the last check" }),
    reason: z.string().nullable().openapi({
      description: "What the last check found, in a word: 404, 410, 5xx, timeout, refused, unreachable (DNS or TLS), redirects, private-host (not fetched), safe-browsing:{threat}; null when it answered",
    }),
  })
  .openapi("LinkHealth");

export const Link = z
  .object({
    id: z.string(),
    slug: z.string(),
    domain: z.string().openapi({ description: "Hostname of the link's domain", example: "go.example.com" }),
    shortUrl: z.string().openapi({ description: "{scheme of PUBLIC_BASE_URL}://{domain}/{slug}" }),
    url: z.string(),
    redirectType: RedirectType,
    title: z.string().nullable(),
    tags: z.array(z.string()),
    validSince: z.string().nullable().openapi({ description: "ISO 8601 UTC; before it the link answers 404" }),
    expiresAt: z.string().nullable().openapi({ description: "ISO 8601 UTC" }),
    maxClicks: z.int().nullable(),
    forwardQuery: z.boolean(),
    crawlable: z.boolean(),
    fallbackUrl: z.string().nullable(),
    hasPassword: z.boolean(),
    ...routingOutputFields,
    ...previewOutputFields,
    health: LinkHealth.nullable().openapi({ description: "The destination's last health check; null until the first (or since the URL changed)" }),
    disabled: z.boolean().openapi({ description: "Disabled by an admin: the link answers 410" }),
    disabledReason: z.string().nullable(),
    disabledAt: z.string().nullable().openapi({ description: "ISO 8601 UTC of when it was disabled" }),
    warning: z.string().nullable().openapi({ description: "Why visitors get a warning page instead of the redirect (its destination was reported unsafe); null: none" }),
    clicks: z.int().openapi({ description: "Human clicks served, live: ingested plus those still waiting in the click stream" }),
    createdBy: CreatedBy,
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("Link");
export type Link = z.infer<typeof Link>;

export const LinkSlugParams = z.object({ slug: Slug.openapi({ param: { name: "slug", in: "path" } }) });

/** `?domain=` of the routes that name a link by slug: without it, the default domain. */
export const LinkDomainQuery = z.strictObject({
  domain: HostnameRef.optional().openapi({ description: "The link's domain (a hostname); the default domain when absent" }),
});

export const ListQuery = z
  .strictObject({
    limit: z.coerce.number().int().min(1).max(100).default(50).openapi({ type: "integer", description: "Page size, 1 to 100" }),
    cursor: z.string().max(500).optional().openapi({ description: "nextCursor of the previous page" }),
    q: text(200).min(1).optional().openapi({ description: "Case-insensitive search in slug, URL and title" }),
    tag: Tag.optional().openapi({ description: "Only links carrying this tag" }),
    domain: HostnameRef.optional().openapi({ description: "Only links on this domain (a hostname); every domain the key sees when absent" }),
    createdBy: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "is not a person's or key's id").optional().openapi({ description: "Only links made by this person or key (createdBy.id)" }),
    health: z.enum([...HEALTH_STATUSES, "unchecked"]).optional().openapi({ description: "Only links whose destination's health is this; unchecked: not checked yet" }),
  });

export const LinkPage = z
  .object({ data: z.array(Link), nextCursor: z.string().nullable() })
  .openapi("LinkPage");
