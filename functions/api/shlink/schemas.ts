/**
 * Shlink REST API v3 shapes (its OpenAPI document and @shlinkio/shlink-js-sdk's api-contract types): what
 * the /rest face accepts and answers. Values are checked again by the links API's own schemas after the
 * mapping (short-url-input.ts), so both faces accept exactly the same links.
 */
import { z } from "@hono/zod-openapi";
import { linkOrderFields } from "../../../db/queries/link-pages.ts";
import { HostnameRef } from "../../shared/hostnames.ts";
import { isWellFormed, NOT_WELL_FORMED } from "../../shared/validation.ts";
import { YEAR_10000 } from "../../shared/instants.ts";

/** Most visits or short URLs one page may hold: Shlink's web client asks for 5,000 visits a page. */
export const MAX_ITEMS_PER_PAGE = 5_000;

/** Text Postgres can compare with: its text type refuses NUL, UTF-8 has no lone surrogates. */
export const PgText = (max: number) =>
  z.string().max(max).refine((s) => !s.includes("\u0000"), "must not contain the NUL character").refine(isWellFormed, NOT_WELL_FORMED);

/** A date in a query (ISO 8601, a zone optional: without one it is UTC, not the server's zone). */
const QueryDate = z
  .string()
  .max(64)
  .refine((s) => /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?)?(Z|[+-]\d{2}:?\d{2})?$/.test(s), "must be an ISO 8601 date or date-time")
  .transform((s, ctx) => {
    const zoned = /(Z|[+-]\d{2}:?\d{2})$/.test(s) || s.length === 10 ? s : `${s}Z`;
    const t = Date.parse(zoned.replace(" ", "T"));
    if (!(t >= 0 && t < YEAR_10000)) {
      ctx.addIssue({ code: "custom", message: "must be a date between 1970 and 9999" });
      return z.NEVER;
    }
    return new Date(t);
  })
  .openapi({ type: "string", example: "2026-01-31T00:00:00+00:00" });

const QueryFlag = z.enum(["true", "false"]).transform((s) => s === "true").openapi({ type: "string", enum: ["true", "false"] });
const Page = z.coerce.number().int().min(1).max(1_000_000).default(1).openapi({ type: "integer", description: "From 1" });
/** `-1` or absent: every item (short URLs: at most MAX_ITEMS_PER_PAGE; Shlink's default is 10). */
const ItemsPerPage = z.coerce.number().int().min(-1).max(MAX_ITEMS_PER_PAGE).refine((n) => n !== 0, "must not be 0").openapi({ type: "integer" });

/** A repeated query parameter (`tags[]=a&tags[]=b`): one value arrives as a string, several as an array. */
const TagList = z
  .union([PgText(50), z.array(PgText(50)).max(50)])
  .transform((v) => (Array.isArray(v) ? v : [v]))
  .openapi({ type: "array", items: { type: "string" } });

/** `domain` of a query: a hostname, or DEFAULT for the default domain. */
export const DomainParam = HostnameRef.openapi({ description: "A domain's hostname; DEFAULT or absent: the default domain" });

export const VisitsSummary = z.object({ total: z.int(), nonBots: z.int(), bots: z.int() }).openapi("ShlinkVisitsSummary");

export const ShortUrl = z
  .object({
    shortCode: z.string(),
    shortUrl: z.string(),
    longUrl: z.string(),
    dateCreated: z.string().openapi({ description: "ATOM: 2026-01-31T10:00:00+00:00" }),
    tags: z.array(z.string()),
    meta: z.object({ validSince: z.string().nullable(), validUntil: z.string().nullable(), maxVisits: z.int().nullable() }),
    domain: z.string().nullable().openapi({ description: "null for the default domain" }),
    title: z.string().nullable(),
    crawlable: z.boolean(),
    forwardQuery: z.boolean(),
    visitsSummary: VisitsSummary,
    hasRedirectRules: z.boolean(),
  })
  .openapi("ShlinkShortUrl");
export type ShortUrl = z.infer<typeof ShortUrl>;

export const Pagination = z
  .object({ currentPage: z.int(), pagesCount: z.int(), itemsPerPage: z.int(), itemsInCurrentPage: z.int(), totalItems: z.int() })
  .openapi("ShlinkPagination");
export type Pagination = z.infer<typeof Pagination>;

/** The fields create and edit share; the links API's schemas check their values after the mapping. */
const editable = {
  title: z.string().nullish(),
  tags: z.array(z.string()).nullish(),
  crawlable: z.boolean().nullish(),
  forwardQuery: z.boolean().nullish(),
  validSince: z.string().nullish().openapi({ description: "ISO 8601 with a zone" }),
  validUntil: z.string().nullish().openapi({ description: "ISO 8601 with a zone" }),
  maxVisits: z.int().nullish(),
};

export const CreateShortUrlInput = z
  .object({
    longUrl: z.string(),
    customSlug: z.string().optional(),
    shortCodeLength: z.int().min(4).max(64).optional(),
    domain: HostnameRef.nullish(),
    findIfExists: z.boolean().optional(),
    ...editable,
  })
  .openapi("ShlinkCreateShortUrl");
export type CreateShortUrlInput = z.infer<typeof CreateShortUrlInput>;

export const EditShortUrlInput = z.object({ longUrl: z.string().optional(), ...editable }).openapi("ShlinkEditShortUrl");
export type EditShortUrlInput = z.infer<typeof EditShortUrlInput>;

const orderBy = linkOrderFields.flatMap((f) => [`${f}-ASC`, `${f}-DESC`] as const);

export const ShortUrlsQuery = z.object({
  page: Page,
  itemsPerPage: ItemsPerPage.optional(),
  searchTerm: PgText(200).optional(),
  "tags[]": TagList.optional(),
  tagsMode: z.enum(["any", "all"]).optional(),
  "excludeTags[]": TagList.optional(),
  excludeTagsMode: z.enum(["any", "all"]).optional(),
  orderBy: z.enum(orderBy as [string, ...string[]]).optional(),
  startDate: QueryDate.optional(),
  endDate: QueryDate.optional(),
  excludeMaxVisitsReached: QueryFlag.optional(),
  excludePastValidUntil: QueryFlag.optional(),
  domain: DomainParam.optional(),
});

export const VisitsQuery = z.object({
  page: Page,
  itemsPerPage: ItemsPerPage.optional(),
  startDate: QueryDate.optional(),
  endDate: QueryDate.optional(),
  excludeBots: QueryFlag.optional(),
  domain: DomainParam.optional(),
});
export type VisitsQuery = z.infer<typeof VisitsQuery>;

export const ShortCodeParams = z.object({
  shortCode: z.string().max(200).openapi({ param: { name: "shortCode", in: "path" } }),
});
export const DomainQuery = z.object({ domain: DomainParam.optional() });

export const VisitLocation = z
  .object({
    countryCode: z.string().nullable(),
    countryName: z.string().nullable(),
    regionName: z.string().nullable(),
    cityName: z.string().nullable(),
    latitude: z.number().nullable(),
    longitude: z.number().nullable(),
    timezone: z.string().nullable(),
    isEmpty: z.boolean(),
  })
  .openapi("ShlinkVisitLocation");

export const ShlinkVisit = z
  .object({
    referer: z.string(),
    date: z.string(),
    userAgent: z.string(),
    visitLocation: VisitLocation.nullable(),
    potentialBot: z.boolean(),
    visitedUrl: z.string(),
    redirectUrl: z.string().nullable(),
  })
  .openapi("ShlinkVisit");
export type ShlinkVisit = z.infer<typeof ShlinkVisit>;

export const VisitsList = z.object({ visits: z.object({ data: z.array(ShlinkVisit), pagination: Pagination }) }).openapi("ShlinkVisitsList");

export const RedirectCondition = z.object({ type: z.string(), matchKey: z.string().nullable(), matchValue: z.string().nullable() });
export const RedirectRulesList = z
  .object({
    defaultLongUrl: z.string(),
    redirectRules: z.array(z.object({ longUrl: z.string(), priority: z.int(), conditions: z.array(RedirectCondition) })),
  })
  .openapi("ShlinkRedirectRulesList");
export const SetRedirectRulesInput = z
  .object({
    redirectRules: z.array(z.object({ longUrl: z.string(), conditions: z.array(RedirectCondition.partial({ matchKey: true, matchValue: true })) })).max(50),
  })
  .openapi("ShlinkSetRedirectRules");

export const ShlinkDomainRedirects = z
  .object({ baseUrlRedirect: z.string().nullable(), regular404Redirect: z.string().nullable(), invalidShortUrlRedirect: z.string().nullable() })
  .openapi("ShlinkDomainRedirects");
