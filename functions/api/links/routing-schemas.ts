/**
 * A link's routing rules and A/B variants: validation and documentation in one (docs/routing.md).
 * URLs follow the rules of a link's `url` (httpUrlProblem in ./http-url.ts); conditions are checked by type,
 * so a rule that is stored can always be evaluated.
 */
import { z } from "@hono/zod-openapi";
import { parseIpPattern } from "../../shared/ip-pattern.ts";
import {
  BROWSERS,
  CONDITION_TYPES,
  DEVICES,
  isCountryCode,
  isLanguageTag,
  MAX_CONDITIONS,
  MAX_RULES,
  MAX_VARIANTS,
  MIN_VARIANTS,
  TOTAL_WEIGHT,
} from "../../shared/routing-conditions.ts";
import { isWellFormed, NOT_WELL_FORMED } from "../../shared/validation.ts";
import { httpUrlProblem, MAX_URL_LENGTH } from "./http-url.ts";
import { inStorableRange } from "../../shared/instants.ts";

/** A missing field says so (zod's default names the JS type, "expected string, received undefined"). */
const required = { error: (i: { input: unknown }) => (i.input === undefined ? "is required" : "must be a string") };

/** The same acceptance as a link's `url`, from the same check. */
const DestinationUrl = z
  .string(required)
  .max(MAX_URL_LENGTH)
  .superRefine((s, ctx) => {
    const problem = isWellFormed(s) ? httpUrlProblem(s) : NOT_WELL_FORMED;
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  })
  .openapi({ format: "uri", example: "https://example.com/de" });

/** Text a condition compares with: storable in Postgres (no NUL, no lone surrogate). */
const matchText = (max: number) =>
  z
    .string(required)
    .min(1, "must not be empty")
    .max(max)
    .refine((s) => !s.includes("\u0000"), "must not contain the NUL character")
    .refine(isWellFormed, NOT_WELL_FORMED);

/** A field a condition type does not use: absent or null (Shlink's clients send null; "" is let through too). */
const unused = (type: string, field: string) =>
  z
    .union([z.null(), z.literal("")], { error: `is not used by a ${type} condition: leave ${field} out or null` })
    .optional();

/** Instants JS and Postgres both read; the zone is required, so the instant does not depend on the server. */
const Instant = z.iso
  .datetime({ offset: true, error: "must be an ISO 8601 instant with a zone, e.g. 2026-12-24T18:00:00Z" })
  // Text that is no instant at all has its message already (NaN passes here).
  .refine((s) => Number.isNaN(Date.parse(s)) || inStorableRange(Date.parse(s)), "must be in the years 1 to 9999 (UTC)");

const condition = <T extends (typeof CONDITION_TYPES)[number], K extends z.ZodType, V extends z.ZodType>(
  type: T,
  matchKey: K,
  matchValue: V,
  description: string,
) => z.strictObject({ type: z.literal(type), matchKey, matchValue }).openapi({ description });

const valueOnly = <T extends (typeof CONDITION_TYPES)[number], V extends z.ZodType>(type: T, matchValue: V, description: string) =>
  condition(type, unused(type, "matchKey"), matchValue, description);

/** The longest key and value a query-param condition compares (they also bound an imported row: functions/imports/row-bound.ts). */
export const QUERY_MATCH_LIMITS = { key: 256, value: 1024 } as const;

const QueryKey = matchText(QUERY_MATCH_LIMITS.key);

export const Condition = z
  .discriminatedUnion(
    "type",
    [
      valueOnly(
        "device",
        z.enum(DEVICES, { error: `must be one of ${DEVICES.join(", ")}` }),
        "The visitor's device, from the user agent; mobile and desktop are classes (an iPhone is ios and mobile)",
      ),
      valueOnly(
        "browser",
        z.enum(BROWSERS, { error: `must be one of ${BROWSERS.join(", ")}` }),
        "The visitor's browser, from the user agent",
      ),
      valueOnly(
        "language",
        matchText(64).refine(isLanguageTag, "must be a BCP 47 language tag such as en or en-US"),
        "Accepted by the visitor's Accept-Language (quality above 0); en matches en-US, en-US only en-US",
      ),
      condition("query-param", QueryKey, matchText(QUERY_MATCH_LIMITS.value), "The short URL's query has matchKey=matchValue (exact, case-sensitive)"),
      condition("any-value-query-param", QueryKey, unused("any-value-query-param", "matchValue"), "The short URL's query has matchKey, with any value"),
      condition(
        "valueless-query-param",
        QueryKey,
        unused("valueless-query-param", "matchValue"),
        "The short URL's query has matchKey without a value (?foo or ?foo=)",
      ),
      valueOnly(
        "ip-address",
        matchText(64).refine(
          (s) => parseIpPattern(s) !== null,
          "must be an IPv4 or IPv6 address, a CIDR block (10.0.0.0/8, 2001:db8::/32) or an IPv4 wildcard (192.168.*.*)",
        ),
        "The visitor's IP (CF-Connecting-IP): an address, a CIDR block or an IPv4 wildcard",
      ),
      valueOnly(
        "geolocation-country-code",
        z.string(required).refine(isCountryCode, "must be an ISO 3166-1 alpha-2 country code such as US or DE"),
        "The visitor's country (ISO 3166-1 alpha-2, case-insensitive), from Cloudflare's geolocation",
      ),
      valueOnly(
        "geolocation-city-name",
        matchText(200),
        "The visitor's city (case-insensitive), from Cloudflare's geolocation",
      ),
      valueOnly("before-date", Instant, "The visit happens before this instant (ISO 8601 with a zone)"),
      valueOnly("after-date", Instant, "The visit happens after this instant (ISO 8601 with a zone)"),
    ],
    { error: `type must be one of ${CONDITION_TYPES.join(", ")}` },
  )
  .openapi("RoutingCondition");
export type Condition = z.infer<typeof Condition>;

export const Rule = z
  .strictObject({
    url: DestinationUrl,
    conditions: z
      .array(Condition)
      // A rule without conditions would match every visit and make the rules after it, and the variants,
      // unreachable; that destination is the link's `url`.
      .min(1, "a rule needs at least one condition (a rule that always matches is the link's url)")
      .max(MAX_CONDITIONS, `a rule has at most ${MAX_CONDITIONS} conditions`),
  })
  .openapi("RoutingRule", { description: "Served when ALL its conditions match (and no earlier rule did)" });
export type Rule = z.infer<typeof Rule>;

export const Rules = z
  .array(Rule)
  .max(MAX_RULES, `at most ${MAX_RULES} rules`)
  .openapi({ description: `Ordered; the first rule whose conditions all match is served. At most ${MAX_RULES}` });

export const Variant = z
  .strictObject({
    url: DestinationUrl,
    weight: z
      .int("must be a whole number")
      .min(1, "must be at least 1 (remove a variant that should get no traffic)")
      .max(TOTAL_WEIGHT - 1, `must be below ${TOTAL_WEIGHT}: there are at least two variants`),
  })
  .openapi("RoutingVariant", { description: "Percent of the visits no rule took" });
export type Variant = z.infer<typeof Variant>;

export const Variants = z
  .array(Variant)
  .min(MIN_VARIANTS, `an A/B split needs at least ${MIN_VARIANTS} variants (one destination is the link's url)`)
  .max(MAX_VARIANTS, `at most ${MAX_VARIANTS} variants`)
  .superRefine((vs, ctx) => {
    const total = vs.reduce((n, v) => n + (typeof v.weight === "number" ? v.weight : 0), 0);
    if (total !== TOTAL_WEIGHT) ctx.addIssue({ code: "custom", message: `weights must add up to ${TOTAL_WEIGHT} (they add up to ${total})` });
  })
  .openapi({
    description: `${MIN_VARIANTS} to ${MAX_VARIANTS} destinations splitting the visits no rule took, by weight (integers adding up to ${TOTAL_WEIGHT}); a visitor keeps its variant for the UTC day`,
  });

/**
 * The link fields, for the create, patch and bulk bodies (null clears on patch, as for the other fields) and
 * for the Link resource (always present there: [] and null when unset).
 */
export const routingInputFields = { rules: Rules.nullish(), variants: Variants.nullish() };
export const routingOutputFields = { rules: z.array(Rule), variants: z.array(Variant).nullable() };

/**
 * Stored form: URLs normalized as a link's are (WHATWG href, always a valid Location), unused fields null, so
 * what the API returns is what the redirect evaluates.
 */
export function toStoredRules(rules: readonly Rule[]): Rule[] {
  return rules.map((r) => ({
    url: new URL(r.url).href,
    conditions: r.conditions.map((c) => ({ ...c, matchKey: c.matchKey || null, matchValue: c.matchValue || null }) as Condition),
  }));
}

export function toStoredVariants(variants: readonly Variant[]): Variant[] {
  return variants.map((v) => ({ url: new URL(v.url).href, weight: v.weight }));
}
