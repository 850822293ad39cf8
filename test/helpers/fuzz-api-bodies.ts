/**
 * Whole request bodies of the /api/v1 input campaign (routes-property.error.test.ts) for the routes whose
 * bodies are not one link: bulk creates, imports (CSV files as each tool writes them, JSON arrays), keys,
 * domains, people, tag renames, webhooks and QStash's callback reports. Built of the field values of
 * fuzz-api-values.ts; apart from the route table (fuzz-api-targets.ts) so that it stays a table.
 */
import fc from "fast-check";
import { roles } from "../../functions/shared/auth/roles.ts";
import { scopes } from "../../functions/shared/auth/scopes.ts";
import { EVENT_TYPES } from "../../functions/webhooks/payloads.ts";
import { deepJson, field, hostileNumber, hostileText, jsonText, junkBody } from "../fuzz-arbitraries.ts";
import { blockRule, domainName, hostileUrl, jsonBodyOf, linkObject, rarely, tagName, validUrl } from "./fuzz-api-values.ts";
import { aasaValue, assetLinksValue, bodyText, qrLogoValue } from "./app-files.ts";
import { SINK } from "./webhooks.ts";

// Webhooks and QStash's reports.

/** Receivers the test suite accepts (loopback, WEBHOOK_ALLOW_LOOPBACK=only): the discard port, nothing listens. */
const validHookUrl = fc.oneof(
  fc.webPath().map((p) => `${SINK}fz${p.replace(/^\//, "")}`),
  fc.constantFrom("http://localhost:9/fz", "https://127.0.0.1:9/fz", "http://[::1]:9/fz"),
);
const hostileHookUrl = fc.oneof(
  hostileUrl,
  fc.constantFrom(
    "https://example.com/hook", "http://10.0.0.1/", "https://169.254.169.254/latest", "ftp://127.0.0.1/", "http://user:pw@127.0.0.1:9/",
    "http://127.0.0.2:9/", "http://0x7f000001/", "http://[::ffff:127.0.0.1]/", "file:///etc/passwd", `${SINK}${"a".repeat(2100)}`,
    // Trailing dots and special-purpose ranges (functions/shared/public-host.ts).
    "https://localhost.:9471/", "https://metadata.google.internal./", "https://intranet./", "https://[::ffff:0:127.0.0.1]/",
    "https://[2002:7f00:1::]/", "https://[fec0::1]/", "https://[64:ff9b::7f00:1]/", "https://[2001::1]/", "http://localhost..:9/fz",
  ),
);
const eventList = fc.array(fc.constantFrom<string>(...EVENT_TYPES), { minLength: 1, maxLength: 6 });
const hostileEvents = fc.oneof(fc.constant([]), fc.array(fc.oneof(fc.constantFrom("ping", "LINK.CREATED", "clicks "), hostileText), { maxLength: 20 }));
const linkIdList = fc.oneof(fc.constant(null), fc.array(fc.oneof(fc.uuid(), fc.constantFrom("fz-link")), { minLength: 1, maxLength: 3 }));
const hostileLinkIds = fc.oneof(fc.constant([]), fc.array(hostileText, { maxLength: 4 }), fc.constant(Array.from({ length: 1001 }, (_, i) => `l${i}`)));
const withoutUndefined = (o: Record<string, unknown>) => {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
};
export const webhookObject = (required: boolean) =>
  fc.tuple(
    fc.record(
      { url: field(validHookUrl, hostileHookUrl), events: field(eventList, hostileEvents), linkIds: field(linkIdList, hostileLinkIds), enabled: field(fc.boolean(), hostileText) },
      { requiredKeys: required ? ["url", "events"] : [] },
    ),
    rarely(fc.dictionary(hostileText, fc.jsonValue({ maxDepth: 2 }), { minKeys: 1, maxKeys: 2 }), 8),
  ).map(([fields, extra]) => {
    const o = withoutUndefined({ ...fields, ...(extra ?? {}) });
    if (required) delete o.enabled; // not a field of a create
    return o;
  });
export const qstashReport = fc.record(
  { status: field(fc.constantFrom(200, 410, 500, 503), hostileNumber), retried: field(fc.integer({ min: 0, max: 5 }), hostileNumber), body: field(fc.base64String(), hostileText), error: rarely(hostileText, 4) },
  { requiredKeys: [] },
).map(withoutUndefined);

// Links in bulk and in files, keys, domains, tag names.

export const bulkBody = fc.oneof(
  { weight: 8, arbitrary: fc.record({ links: fc.array(fc.oneof({ weight: 4, arbitrary: linkObject(true) }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) }), { minLength: 0, maxLength: 4 }) }, { requiredKeys: [] }).map(jsonText) },
  // At the count limits; the 1,000 are each invalid so that a success does not insert a thousand rows.
  { weight: 1, arbitrary: fc.constant(jsonText({ links: Array.from({ length: 1000 }, () => ({ url: "not a url" })) })) },
  { weight: 1, arbitrary: fc.constant(jsonText({ links: Array.from({ length: 1001 }, () => ({ url: "https://example.com/bulk" })) })) },
  { weight: 1, arbitrary: fc.constant(101).map((n) => jsonText({ links: Array.from({ length: n }, () => ({ url: "https://example.com/bulk", password: "pw" })) })) },
  { weight: 1, arbitrary: fc.constant(jsonText({ links: [{ url: "https://example.com/big", title: "x".repeat(2_200_000) }] })) },
  { weight: 1, arbitrary: deepJson.map((d) => `{"links":[${d}]}`) },
  { weight: 2, arbitrary: junkBody },
);
// Files as each tool writes them, with hostile cells; JSON arrays of link-shaped objects; junk.
const csvCell = fc.oneof(
  { weight: 15, arbitrary: fc.constantFrom("", "https://example.com/fz", "fz-imp", "a|b", '"', '""', "\r\n", "2024-01-01 00:00:00", "bit.ly/fz", '{"title":"fz"}', '{"image":"http://img.example/x.png"}') },
  { weight: 15, arbitrary: hostileText },
  // Now and then a cell past any valid row, plain or (with separators and line breaks) quoted.
  { weight: 1, arbitrary: fc.constantFrom(20_000, 300_000).chain((n) => fc.constantFrom("x".repeat(n), "y,\n".repeat(n / 3))) },
)
  .map((v) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v));
const header = fc.constantFrom(
  "Long URL,Short code,Domain,Title,Tags", "id,link,long_url,title,created_at,tags", "keyword,url,title,timestamp,ip,clicks",
  "Short Link,Destination URL,Title,Tags,Created At", "url,slug,expiresAt,maxClicks,rules,variants,password,hasPassword",
  "id,slug,domain,shortUrl,url,redirectType,title,tags,expiresAt,maxClicks,fallbackUrl,hasPassword,rules,variants,clicks,createdAt,updatedAt",
  "id,slug,domain,shortUrl,url,redirectType,title,tags,expiresAt,maxClicks,fallbackUrl,hasPassword,rules,variants,validSince,forwardQuery,crawlable,preview,clicks,createdAt,updatedAt",
  "visits", "",
);
const csvFile = fc.tuple(header, fc.array(fc.array(csvCell, { maxLength: 18 }).map((r) => r.join(",")), { maxLength: 5 }), fc.constantFrom("\n", "\r\n", "\r"))
  .map(([h, rows, nl]) => [h, ...rows].join(nl));
export const importBody = fc.oneof(
  { weight: 4, arbitrary: csvFile },
  { weight: 1, arbitrary: fc.constantFrom("", "\ufeff", "\n\n", "url") },
  { weight: 3, arbitrary: fc.array(fc.oneof(linkObject(true), fc.jsonValue({ maxDepth: 2 })), { maxLength: 4 }).map(jsonText) },
  { weight: 1, arbitrary: fc.array(linkObject(true), { maxLength: 3 }).map((data) => jsonText({ data })) },
  { weight: 2, arbitrary: junkBody },
);
export const keyBody = jsonBodyOf(
  fc.record(
    {
      name: field(fc.constantFrom("fz key", " fz key ", "ключ", "x".repeat(100)), hostileText),
      scopes: field(fc.array(fc.constantFrom<string>(...scopes), { minLength: 1, maxLength: 16 }), fc.array(hostileText, { maxLength: 18 })),
      domains: rarely(field(fc.array(domainName, { minLength: 1, maxLength: 3 }), fc.array(hostileText, { maxLength: 102 })), 3),
      ownLinksOnly: rarely(field(fc.boolean(), hostileText), 3),
      extra: rarely(fc.jsonValue({ maxDepth: 2 }), 8),
    },
    { requiredKeys: ["name", "scopes"] },
  ).map((o) => {
    for (const k of ["extra", "domains", "ownLinksOnly"] as const) if (o[k] === undefined) delete (o as Partial<typeof o>)[k];
    return o;
  }),
);
const redirectField = field(validUrl, hostileUrl);
// The app-association files and the QR logo (helpers/app-files.ts: valid ones, wrong shapes, past 64 KB, deep nesting).
const domainFields = {
  rootRedirect: rarely(redirectField, 2), notFoundRedirect: rarely(redirectField, 2),
  appleAppSiteAssociation: rarely(aasaValue, 3), assetLinks: rarely(assetLinksValue, 3), qrLogo: rarely(qrLogoValue, 3),
};
const newHostname = fc.stringMatching(/^[a-z0-9]{1,20}$/).map((s) => `fz${s}.example.test`);
/** jsonBodyOf for domain bodies, whose file values may be raw deep JSON (bodyText). */
const domainBodyOf = (shaped: fc.Arbitrary<Record<string, unknown>>) =>
  fc.oneof({ weight: 8, arbitrary: shaped.map(bodyText) }, { weight: 2, arbitrary: junkBody });
export const domainBody = domainBodyOf(
  fc.record({ hostname: field(fc.oneof(newHostname, domainName), hostileText), ...domainFields, extra: rarely(fc.jsonValue({ maxDepth: 2 }), 8) }, { requiredKeys: ["hostname"] }).map(withoutUndefined),
);
export const domainPatchBody = domainBodyOf(fc.record({ ...domainFields, extra: rarely(fc.jsonValue({ maxDepth: 2 }), 8) }, { requiredKeys: [] }).map(withoutUndefined));
export const renameBody = jsonBodyOf(
  fc.record({ name: tagName, extra: rarely(fc.jsonValue({ maxDepth: 2 }), 8) }, { requiredKeys: [] }).map(withoutUndefined),
);

// People: new emails of the campaign's own (fz-...), every role, restrictions now and then, hostile values.
const newEmail = fc.stringMatching(/^[a-z0-9]{1,20}$/).map((s) => `fz-${s}@Example.test`);
const hostileEmail = fc.oneof(fc.constantFrom("", "@", "a@", "@b.test", "a@@b.test", "a b@c.test", `${"a".repeat(250)}@b.test`, "fz@example.test\u0000"), hostileText);
const role = field(fc.constantFrom<string>(...roles), fc.oneof(fc.constantFrom("OWNER", "root", ""), hostileText));
const personFields = {
  role,
  name: rarely(field(fc.constantFrom("Grace", " Ada ", "ï".repeat(200)), hostileText), 2),
  domains: rarely(fc.oneof(fc.constant(null), field(fc.array(domainName, { minLength: 1, maxLength: 3 }), fc.array(hostileText, { maxLength: 102 }))), 3),
  ownLinksOnly: rarely(field(fc.boolean(), hostileText), 3),
  extra: rarely(fc.jsonValue({ maxDepth: 2 }), 8),
};
export const userBody = jsonBodyOf(fc.record({ email: field(newEmail, hostileEmail), ...personFields }, { requiredKeys: ["email", "role"] }).map(withoutUndefined));
export const userPatchBody = jsonBodyOf(
  fc.record({ ...personFields, disabled: rarely(field(fc.boolean(), hostileText), 2) }, { requiredKeys: [] }).map(withoutUndefined),
);

/**
 * POST /api/v1/blocklist: rules of the campaign's own or none (blockRule), and values of other types; never
 * field()'s arbitrary JSON, whose strings could block a host another test file links to.
 */
export const blockBody = jsonBodyOf(
  fc.record(
    {
      host: fc.oneof(
        { weight: 8, arbitrary: blockRule },
        { weight: 1, arbitrary: fc.constant(null) },
        { weight: 1, arbitrary: fc.oneof(hostileNumber, fc.jsonValue({ maxDepth: 2 }).filter((v) => typeof v !== "string")) },
      ),
      extra: rarely(fc.jsonValue({ maxDepth: 2 }), 8),
    },
    { requiredKeys: [] },
  ).map(withoutUndefined),
);

// Reports of links: strangers' bodies (a short URL or a slug, a reason, details, an email) and admins' resolutions.

const reportTarget = fc.oneof(
  fc.record({ slug: field(fc.constantFrom("fz-nope", "report", "app"), hostileText) }),
  fc.record({ slug: field(fc.constantFrom("fz-nope", "fz-other"), hostileText), domain: field(domainName, hostileText) }),
  fc.record({ url: field(fc.oneof(validUrl, fc.constantFrom("http://sho.rt/fz-nope", "sho.rt/fz-nope", "https://{victim}/fz")), hostileUrl) }),
  fc.constant({}),
);
export const reportBody = jsonBodyOf(
  fc.tuple(
    reportTarget,
    fc.record({
      reason: field(fc.constantFrom("phishing", "malware", "spam", "broken", "other"), fc.oneof(fc.constantFrom("PHISHING", "", "abuse"), hostileText)),
      details: rarely(field(fc.oneof(fc.string({ maxLength: 200 }), fc.constant("é".repeat(1000)), fc.constant("x".repeat(1001))), hostileText), 2),
      email: rarely(field(fc.constantFrom("fz@example.test", "a+b@example.test"), fc.oneof(fc.constantFrom("not an email", "@x", "a@b"), hostileText)), 2),
      // Fields a reporter may not set: they must be refused, never applied.
      extra: rarely(fc.constantFrom<Record<string, unknown>>({ status: "disabled" }, { linkId: "x" }, { disabled: true }, { warning: "x" }), 6),
    }, { requiredKeys: [] }),
  ).map(([target, { extra, ...rest }]) => withoutUndefined({ ...target, ...rest, ...(extra ?? {}) })),
);
export const resolveBody = jsonBodyOf(
  fc.record({
    action: field(fc.constantFrom("disable", "dismiss"), fc.oneof(fc.constantFrom("DISABLE", "delete", ""), hostileText)),
    reason: rarely(field(fc.oneof(fc.constant(null), fc.string({ maxLength: 100 })), hostileText), 2),
    extra: rarely(fc.jsonValue({ maxDepth: 2 }), 8),
  }, { requiredKeys: [] }).map(withoutUndefined),
);
