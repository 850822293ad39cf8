/**
 * The vocabulary of routing rules, shared by their schemas (functions/api/links/routing-schemas.ts) and their
 * evaluation on the redirect (functions/redirect/routing/). The condition types and values are Shlink's, so
 * Shlink's own clients can edit our rules (docs/routing.md).
 */

export const CONDITION_TYPES = [
  "device",
  "browser",
  "language",
  "query-param",
  "any-value-query-param",
  "valueless-query-param",
  "ip-address",
  "geolocation-country-code",
  "geolocation-city-name",
  "before-date",
  "after-date",
] as const;
export type ConditionType = (typeof CONDITION_TYPES)[number];

/** `mobile` and `desktop` are classes: an iPhone is both `ios` and `mobile`, a Mac both `macos` and `desktop`. */
export const DEVICES = ["android", "ios", "mobile", "windows", "macos", "linux", "chromeos", "desktop"] as const;
export type Device = (typeof DEVICES)[number];

export const BROWSERS = ["chrome", "firefox", "edge", "safari", "opera", "android_browser"] as const;
export type Browser = (typeof BROWSERS)[number];

export const MAX_RULES = 50;
export const MAX_CONDITIONS = 10;
export const MIN_VARIANTS = 2;
export const MAX_VARIANTS = 10;
export const TOTAL_WEIGHT = 100;

/** ISO 3166-1 alpha-2, the officially assigned codes (249). */
export const COUNTRY_CODES: ReadonlySet<string> = new Set(
  (
    "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ " +
    "CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR " +
    "GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT " +
    "JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY " +
    "MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM " +
    "PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW " +
    "SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ " +
    "UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW"
  ).split(" "),
);

export const isCountryCode = (s: string) => s.length === 2 && COUNTRY_CODES.has(s.toUpperCase());

/** A well-formed BCP 47 language tag (`en`, `en-US`, `zh-Hant-TW`); `*` is not one. */
export function isLanguageTag(s: string): boolean {
  if (s.length === 0 || s.length > 64 || !/^[A-Za-z]/.test(s)) return false;
  try {
    return Intl.getCanonicalLocales(s).length === 1;
  } catch {
    return false;
  }
}
