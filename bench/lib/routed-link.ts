/**
 * The bench's routed link, and its link with a preview card: 10 rules of every condition type that the bench's requests (wrk: no user agent,
 * no Accept-Language, no geo, from 127.0.0.1, no query) never match, so every one is tried, then 2 variants.
 * bench/redirect.ts measures it; bench/profile.ts profiles it.
 */
const never = (type: string, matchValue: string | null, matchKey: string | null = null) => ({ type, matchKey, matchValue });

export const ROUTED_RULES = [
  [never("device", "ios")], [never("browser", "firefox"), never("device", "android")], [never("language", "de")],
  [never("query-param", "beta", "ref")], [never("any-value-query-param", null, "campaign")], [never("valueless-query-param", null, "debug")],
  [never("ip-address", "10.0.0.0/8")], [never("geolocation-country-code", "DE")], [never("geolocation-city-name", "berlin")],
  [never("after-date", "2999-01-01T00:00:00Z"), never("device", "desktop")],
].map((conditions, i) => ({ url: `https://example.com/rule/${i}`, conditions }));

export const ROUTED_VARIANTS = [{ url: "https://example.com/a", weight: 50 }, { url: "https://example.com/b", weight: 50 }];

/** A preview card with every field, as the links API stores one (docs/previews.md). */
export const BENCH_PREVIEW = { title: "A card for chat apps", description: "What Slack and WhatsApp show; people are redirected.", image: "https://example.com/card.png" };

/** The insert of a link with a preview card at slug `slug` (parameters: id, preview). */
export const insertPreviewLink = (slug: string) =>
  `insert into links (id, slug, url, preview) values ($1, '${slug}', 'https://example.com/previewed', $2::jsonb)`;

/** The insert of the routed link with `id` at slug `slug` (parameters: id, rules, variants). */
export const insertRoutedLink = (slug: string) =>
  `insert into links (id, slug, url, rules, variants) values ($1, '${slug}', 'https://example.com/routed', $2::jsonb, $3::jsonb)`;
