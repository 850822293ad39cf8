/**
 * Values of the /api/v1 input campaign (routes-property.error.test.ts), one per path parameter and body field:
 * slugs, ids, tags, URLs, domains, routing rules and variants, whole link objects, content types; valid ones
 * of the campaign's own (named fz...), and hostile ones foremost (fuzz-arbitraries.ts). A path segment may
 * name one of the campaign's victims instead, resolved when the request is sent. Apart from the campaign and
 * its route table (fuzz-api-targets.ts) so each of them reads on its own.
 */
import fc from "fast-check";
import { Tag } from "../../functions/api/links/schemas.ts";
import { CONDITION_TYPES } from "../../functions/shared/routing-conditions.ts";
import { normalizeBlockRule } from "../../functions/abuse/block-hosts.ts";
import {
  field, hostileDate, hostileNumber, hostileText, jsonText, junkBody, onTheWire, percentEncode, rawPercent,
} from "../fuzz-arbitraries.ts";

export type ApiSegment = string | { victim: "slug" | "keyId" | "domain" | "webhookId" | "deliveryId" | "importId" | "tag" | "userId" | "reportId" };

const victimSlug: ApiSegment = { victim: "slug" };
const victimKey: ApiSegment = { victim: "keyId" };
export const victimDomain: ApiSegment = { victim: "domain" };
const victimWebhook: ApiSegment = { victim: "webhookId" };
const victimDelivery: ApiSegment = { victim: "deliveryId" };
const victimTag: ApiSegment = { victim: "tag" };
const victimUser: ApiSegment = { victim: "userId" };
const victimReport: ApiSegment = { victim: "reportId" };

/** Slugs this campaign may create: never one another test names. */
const validSlug = fc.stringMatching(/^[A-Za-z0-9_-]{1,62}$/).map((s) => `fz${s}`);

/** A path segment for a slug: the victim, other valid slugs (of this campaign), reserved words, anything. */
export const slugSegment = fc.oneof(
  { weight: 4, arbitrary: fc.constant(victimSlug) },
  { weight: 2, arbitrary: validSlug.map(percentEncode) },
  { weight: 1, arbitrary: fc.constantFrom("bulk", "stats", "api", "Docs", "_x", "x".repeat(64), "x".repeat(65), "x".repeat(10_000), ".", "..", "%2F", "a%2Fb", "%2e%2e") },
  { weight: 2, arbitrary: onTheWire(hostileText) },
  { weight: 1, arbitrary: rawPercent },
);

export const keyIdSegment = fc.oneof(
  { weight: 3, arbitrary: fc.constant(victimKey) },
  { weight: 2, arbitrary: fc.uuid({ version: [1, 2, 3, 4, 5, 6, 7, 8] }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      "00000000-0000-0000-0000-000000000000", "ffffffff-ffff-ffff-ffff-ffffffffffff", "FFFFFFFF-FFFF-4FFF-BFFF-FFFFFFFFFFFF",
      "{00000000-0000-4000-8000-000000000000}", "00000000000040008000000000000000", "admin", "key_x", "%00", "x".repeat(10_000),
    ),
  },
  { weight: 1, arbitrary: fc.uuid().map((u) => u.toUpperCase()) },
  { weight: 2, arbitrary: onTheWire(hostileText) },
);

export const webhookIdSegment = keyIdSegment.map((s) => (s === victimKey ? victimWebhook : s));
/** A report's id: the victim (an open report of a link of the campaign's own), unknown ones, anything. */
export const reportIdSegment = fc.oneof(
  { weight: 4, arbitrary: fc.constant(victimReport) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }).map(String) },
  { weight: 1, arbitrary: fc.constantFrom("0", "-1", "1e3", "9223372036854775808", "99999999999999999", "01", "1.5", " 1") },
  { weight: 1, arbitrary: onTheWire(hostileText) },
);
/** A person's id: the victim (an invited viewer), well-formed unknown ones, and the key id values besides. */
export const userIdSegment = fc.oneof(
  { weight: 4, arbitrary: fc.constant(victimUser) },
  { weight: 1, arbitrary: fc.stringMatching(/^[A-Za-z0-9]{16}$/).map((s) => `usr_${s}`) },
  { weight: 1, arbitrary: fc.constantFrom("usr_", `usr_${"A".repeat(17)}`, "USR_AAAAAAAAAAAAAAAA", "usr_AAAAAAAAAAAAAAA%00") },
  { weight: 2, arbitrary: keyIdSegment.filter((s) => s !== victimKey) },
);
export const deliveryIdSegment = fc.oneof(
  { weight: 4, arbitrary: fc.constant(victimDelivery) },
  { weight: 1, arbitrary: fc.stringMatching(/^[A-Za-z0-9]{24}$/).map((s) => `msg_${s}`) },
  { weight: 1, arbitrary: fc.constantFrom("msg_", `msg_${"A".repeat(25)}`, "MSG_AAAAAAAAAAAAAAAAAAAAAAAA", "%00", "x".repeat(10_000)) },
  { weight: 2, arbitrary: onTheWire(hostileText) },
);

/**
 * A tag rename or removal reaches every link of every test file running beside this one: a text that is a
 * valid tag becomes one of the campaign's own (fz-...), so the campaign never renames, removes or takes the
 * name of another test's tag. Invalid text stays as it is, for the route to refuse.
 */
const ownTag = (s: string) => (Tag.safeParse(s).success ? `fz-${s}` : s);
export const tagSegment = fc.oneof(
  { weight: 4, arbitrary: fc.constant(victimTag) },
  { weight: 1, arbitrary: fc.stringMatching(/^[A-Za-z0-9 _-]{1,40}$/).map((s) => percentEncode(`fz-none-${s}`)) },
  { weight: 1, arbitrary: fc.constantFrom("x".repeat(51), "x".repeat(10_000), "%00", "a%07b", "%20", ".", "..", "%2e%2e") },
  { weight: 2, arbitrary: onTheWire(hostileText.map(ownTag)) },
  { weight: 1, arbitrary: rawPercent },
);
/** New names: the campaign's own, tags in use by the campaign's links (a conflict), anything else made its own. */
export const tagName = fc.oneof(
  { weight: 4, arbitrary: fc.stringMatching(/^[A-Za-z0-9 _-]{1,40}$/).map((s) => `fz-${s}`) },
  { weight: 1, arbitrary: fc.constantFrom("fz", "victim", ` fz-${"x".repeat(47)} `, `fz-${"x".repeat(48)}`) },
  { weight: 2, arbitrary: hostileText.map(ownTag) },
  { weight: 1, arbitrary: fc.oneof(fc.constant(null), hostileNumber, fc.jsonValue({ maxDepth: 2 }).filter((v) => typeof v !== "string")) },
);

export const validUrl = fc.webUrl({ withQueryParameters: true, withFragments: true });
export const hostileUrl = fc.oneof(
  fc.constantFrom(
    "https://sho.rt/loop", "http://SHO.RT./x", "javascript:alert(1)", "https://", "https://example.com/\u0000", "https://example.com/\ud800",
    "https://ex\u0000ample.com/", "https://xn--/", `https://example.com/${"a".repeat(2028)}`, `https://example.com/${"a".repeat(2029)}`,
    `https://example.com/${"é".repeat(700)}`, "https://[::1]/", "https://256.256.256.256/", "https://example.com:99999/",
    // Hosts that are not public however they are written: trailing dots, special-use names, special ranges.
    "https://localhost.:9471/", "https://foo.localhost./", "https://metadata.google.internal./", "https://db.internal./",
    "https://intranet./", "https://printer.local./", "https://[::ffff:0:127.0.0.1]/", "https://[2002:7f00:1::]/", "https://[fec0::1]/",
    "https://[2001::1]/", "https://[64:ff9b::7f00:1]/", "https://[100::1]/", "http://2130706433/", "http://0177.0.0.1/", "http://0x7f.1/",
    "https://EXAMPLE.COM../", "https://xn--e1afmkfd.xn--p1ai./",
  ),
  hostileText,
);

/** A hostname naming a domain: the victim (resolved at send time), the default, unknown ones, hostile text. */
export const domainName = fc.oneof(
  { weight: 3, arbitrary: fc.constant("{victim}") },
  { weight: 2, arbitrary: fc.constantFrom("sho.rt", "SHO.RT.", "nowhere.example.test", "127.0.0.1", "localhost") },
  { weight: 1, arbitrary: fc.domain() },
  { weight: 1, arbitrary: fc.constantFrom("", ".", "-", "a..b", "x".repeat(254), `${"a".repeat(64)}.test`, "a_b.test", "ex ample.test") },
  { weight: 1, arbitrary: hostileText },
);
/** In a query string: {victim} becomes the victim domain when sent. */
export const domainParam = onTheWire(domainName);

const hostileSlug = fc.oneof(fc.constantFrom("docs", "API", "_hidden", "x".repeat(64), "x".repeat(65), "a b", "a\u0000", "\ud800"), hostileText);

export const validTags = fc.array(fc.constantFrom("fz", "fz-2", " fz ", "ünï"), { maxLength: 3 });
const hostileTags = fc.oneof(
  fc.array(fc.oneof(fc.constantFrom("fz"), hostileText), { maxLength: 22 }),
  fc.constant(Array.from({ length: 21 }, (_, i) => `t${i}`)),
);
const future = fc
  .date({ min: new Date(Date.now() + 86_400_000), max: new Date("9999-12-31T00:00:00Z"), noInvalidDate: true })
  .map((d) => d.toISOString());

/** Conditions of every type, valid for their type or not (another type's value, a hostile one, missing fields). */
const conditionValue = fc.oneof(
  fc.constantFrom(
    "ios", "android", "desktop", "chrome", "safari", "android_browser", "en", "pt-BR", "de-DE-1996", "*", "DE", "de", "XX",
    "Berlin", "203.0.113.7", "10.0.0.0/8", "2001:db8::/32", "192.168.*.*", "300.1.1.1", "10.0.0.0/33", "2026-12-24T18:00:00Z",
    "2026-12-24", "+010000-01-01T00:00:00Z", "9999-12-31T23:59:59-23:59", "",
  ),
  hostileText,
  fc.constant(null),
);
const condition = fc.record(
  {
    type: fc.oneof(
      { weight: 8, arbitrary: fc.constantFrom(...CONDITION_TYPES) },
      { weight: 1, arbitrary: fc.oneof(hostileText, fc.constant(null)) },
    ),
    matchKey: fc.oneof(fc.constantFrom("ref", "utm_source", "debug"), hostileText, fc.constant(null)),
    matchValue: conditionValue,
  },
  { requiredKeys: ["type"] },
);
const validRules = fc.array(
  fc.record({ url: validUrl, conditions: fc.array(condition, { minLength: 1, maxLength: 3 }) }),
  { maxLength: 3 },
);
const hostileRules = fc.oneof(
  fc.array(fc.record({ url: fc.oneof(validUrl, hostileUrl), conditions: fc.array(condition, { maxLength: 11 }) }, { requiredKeys: [] }), { maxLength: 3 }),
  fc.constant(Array.from({ length: 51 }, () => ({ url: "https://example.com/r", conditions: [{ type: "device", matchValue: "ios" }] }))),
  fc.constant([{ url: "https://example.com/r", conditions: Array.from({ length: 11 }, () => ({ type: "device", matchValue: "ios" })) }]),
);
const validVariants = fc
  .integer({ min: 1, max: 99 })
  .chain((w) => fc.tuple(validUrl, validUrl).map(([a, b]) => [{ url: a, weight: w }, { url: b, weight: 100 - w }]));
const hostileVariants = fc.oneof(
  fc.array(fc.record({ url: fc.oneof(validUrl, hostileUrl), weight: fc.oneof(fc.integer({ min: -5, max: 120 }), hostileNumber) }, { requiredKeys: [] }), { maxLength: 11 }),
  fc.constant([{ url: "https://example.com/a", weight: 100 }]),
  fc.constant(Array.from({ length: 11 }, (_, i) => ({ url: `https://example.com/${i}`, weight: i ? 9 : 10 }))),
);

/** Preview cards: valid ones, and hostile fields (non-https images, control characters, lengths, odd types). */
const validPreview = fc.record(
  { title: fc.string({ maxLength: 60 }), description: fc.string({ maxLength: 80 }), image: fc.webUrl({ validSchemes: ["https"] }) },
  { requiredKeys: [] },
);
const hostilePreview = fc.oneof(
  fc.record({ title: fc.oneof(hostileText, fc.constant("x".repeat(201))), description: hostileText, image: fc.oneof(hostileUrl, fc.constantFrom("http://img.example/x.png", "data:image/png;base64,AA==")) }, { requiredKeys: [] }),
  fc.constant({ title: "t", unknown: true }),
  hostileText,
);

const sometimes = <T>(arb: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: arb });

const linkFields = {
  url: field(validUrl, hostileUrl),
  slug: field(validSlug, hostileSlug),
  redirectType: field(fc.constantFrom(301, 302, 307, 308), hostileNumber),
  title: field(fc.string({ maxLength: 60 }), hostileText),
  tags: field(validTags, hostileTags),
  expiresAt: field(future, hostileDate),
  // Present one time in four, so that a body of every other field still has a fair chance of being valid.
  validSince: sometimes(field(future, hostileDate)),
  forwardQuery: sometimes(field(fc.boolean(), hostileText)),
  crawlable: sometimes(field(fc.boolean(), hostileText)),
  maxClicks: field(fc.integer({ min: 1, max: 2_147_483_647 }), hostileNumber),
  fallbackUrl: field(validUrl, hostileUrl),
  domain: fc.oneof({ weight: 2, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: field(domainName, hostileText) }),
  rules: field(validRules, hostileRules),
  variants: field(validVariants, hostileVariants),
  preview: sometimes(field(validPreview, hostilePreview)),
  // Rare: a valid password costs a PBKDF2 hash (about 16 ms).
  password: fc.oneof({ weight: 1, arbitrary: hostileText }, { weight: 8, arbitrary: fc.constant(undefined) }),
};

/** Near the 1 MiB limit of one link body (either side of it once serialized), or far past it. */
const padding = fc.constantFrom(1_040_000, 1_048_000, 1_049_000, 1_100_000).map((n) => "x".repeat(n));

/** `arb` one time in `n`, else nothing. */
export const rarely = <T>(arb: fc.Arbitrary<T>, n: number) =>
  fc.oneof({ weight: n - 1, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: arb });

export const linkObject = (requiredUrl: boolean) =>
  fc
    .tuple(
      fc.record(linkFields, { requiredKeys: requiredUrl ? ["url"] : [] }),
      rarely(fc.dictionary(hostileText, fc.jsonValue({ maxDepth: 2 }), { minKeys: 1, maxKeys: 2 }), 8),
      rarely(padding, 20),
    )
    .map(([fields, extra, pad]) => {
      const o: Record<string, unknown> = { ...fields, ...(extra ?? {}) };
      for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
      if (pad) o.title = pad;
      return o;
    });

export const jsonBodyOf = (shaped: fc.Arbitrary<unknown>) =>
  fc.oneof({ weight: 8, arbitrary: shaped.map(jsonText) }, { weight: 2, arbitrary: junkBody });

export const contentType = fc.oneof(
  { weight: 12, arbitrary: fc.constant("application/json") },
  { weight: 2, arbitrary: fc.constantFrom("text/csv", "text/csv; charset=utf-8") },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      undefined, "", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data", "multipart/form-data; boundary=x",
      "application/json; charset=utf-8", "application/json; charset=utf-16", "application/json;", "APPLICATION/JSON",
      "application/merge-patch+json", "application/jsonp", "application/json, text/plain", "*/*", "\u00e9",
    ),
  },
);

/**
 * Hosts for the blocklist. A rule blocks the links of every test file running beside the campaign, so a text
 * that would make one is first put under the campaign's own name (.fz-blocklist.test); a text that cannot be
 * a rule stays as it is, for the route to refuse.
 */
const ownBlockRule = (s: string) => (normalizeBlockRule(s).ok ? `${s}.fz-blocklist.test` : s);
/** Rules of the campaign's own: exact or suffix, in capitals, with a trailing dot, international (punycode once stored). */
const validBlockRule = fc
  .tuple(fc.constantFrom("", "*.", "*.A."), fc.stringMatching(/^[a-z0-9-]{1,20}$/), fc.constantFrom("", "\u00fc", ".B\u00fccher"), fc.constantFrom("", "."))
  .map(([pre, s, mid, end]) => `${pre}fz${s}${mid}.fz-blocklist.test${end}`);
export const blockRule = fc.oneof(
  { weight: 4, arbitrary: validBlockRule },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      "", "*", "*.", "**.x.test", "a/b.test", "evil.example:80", "[::1", "http://x.test", "user@x.test", "a b.test", "a%2eb.test",
      "x".repeat(254), "*.127.0.0.1", "*.[::1]", "a..b.test", ".", "\u0000",
    ),
  },
  { weight: 2, arbitrary: hostileText.map(ownBlockRule) },
);
/** A rule as a path segment (DELETE /api/v1/blocklist/{host}). */
export const blockRuleSegment = fc.oneof(
  { weight: 3, arbitrary: validBlockRule.map(percentEncode) },
  { weight: 1, arbitrary: fc.constantFrom("%00", "x".repeat(10_000), ".", "..", "%2e%2e", "a%2Fb", "%2A") },
  { weight: 2, arbitrary: onTheWire(hostileText.map(ownBlockRule)) },
  { weight: 1, arbitrary: rawPercent },
);
