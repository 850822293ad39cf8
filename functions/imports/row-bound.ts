/**
 * How large a CSV record can be and still be a valid link's row, in bytes of the file: the most the reader
 * (read-csv.ts) holds of one record before it refuses the file. Anything larger cannot become a link, and
 * holding it costs the isolate its memory (a 60 MiB cell once took the Worker past 1.5 GB). Derived from the
 * link schema's own limits, so a change there moves it:
 *
 * - each cell we read, at its longest in characters: the destination and fallback URLs, the short URL
 *   (scheme, host, slug), slug, domain, title, tags with their separators, password; and, in our own format,
 *   the rules and variants as export writes them: every rule at the longest URL with MAX_CONDITIONS
 *   query-param conditions at the longest key and value, with JSON_SYNTAX for the JSON around each object;
 *   and the preview card, its three fields at their longest;
 * - at the most bytes a character can take there: 3 in a text cell (a UTF-16 unit is at most 3 bytes of
 *   UTF-8; a quote, doubled by CSV quoting, 2), 6 in a JSON cell (a control character is written \u0001; a
 *   quote, \" with its quote doubled, 3);
 * - plus SHORT_CELLS for the short cells (id, redirectType, the times, maxClicks, the booleans, clicks) and
 *   IGNORED_BYTES for the columns we do not read (Shlink's visits, YOURLS' ip, the rest of a Bitly export).
 *
 * That is about 4.9 MB for our own format, whose rows carry routing, and about 80 KB for other tools' files.
 */
import { LINK_TEXT_LIMITS, MAX_URL_LENGTH } from "../api/links/schemas.ts";
import { QUERY_MATCH_LIMITS } from "../api/links/routing-schemas.ts";
import { PREVIEW_LIMITS } from "../api/links/preview-schemas.ts";
import { MAX_HOSTNAME_LENGTH } from "../shared/hostnames.ts";
import { MAX_CONDITIONS, MAX_RULES, MAX_VARIANTS } from "../shared/routing-conditions.ts";
import { MAX_SLUG_LENGTH } from "../shared/slugs.ts";
import type { DetectedFormat } from "./formats.ts";

const TEXT_BYTES = 3;
const JSON_BYTES = 6;
/** Braces, quotes, keys and the longest condition type around one JSON object's values. */
const JSON_SYNTAX = 64;
const SHORT_CELLS = 16 * 64;
const IGNORED_BYTES = 64 * 1024;

const SHORT_URL = "https://".length + MAX_HOSTNAME_LENGTH + 1 + MAX_SLUG_LENGTH;
const TAGS = LINK_TEXT_LIMITS.tags * (LINK_TEXT_LIMITS.tag + 1);
/** Characters of the text cells every format may carry. */
const COMMON = MAX_URL_LENGTH + SHORT_URL + MAX_SLUG_LENGTH + MAX_HOSTNAME_LENGTH + LINK_TEXT_LIMITS.title + TAGS;
/** Characters of our own format's other text cells: fallbackUrl, password. */
const OURS_TEXT = MAX_URL_LENGTH + LINK_TEXT_LIMITS.password;
const CONDITION = QUERY_MATCH_LIMITS.key + QUERY_MATCH_LIMITS.value + JSON_SYNTAX;
const RULES = MAX_RULES * (MAX_URL_LENGTH + JSON_SYNTAX + MAX_CONDITIONS * CONDITION);
const VARIANTS = MAX_VARIANTS * (MAX_URL_LENGTH + JSON_SYNTAX);
const PREVIEW = PREVIEW_LIMITS.title + PREVIEW_LIMITS.description + PREVIEW_LIMITS.image + JSON_SYNTAX;

/** The largest record of any CSV we read (our own format's): the bound until the header names the format. */
export const MAX_CSV_RECORD_BYTES = TEXT_BYTES * (COMMON + OURS_TEXT) + JSON_BYTES * (RULES + VARIANTS + PREVIEW) + SHORT_CELLS + IGNORED_BYTES;
const OTHER_RECORD_BYTES = TEXT_BYTES * COMMON + SHORT_CELLS + IGNORED_BYTES;

/** The largest record a valid row of `format` can be. */
export const maxRecordBytes = (format: DetectedFormat) => (format === "csv" ? MAX_CSV_RECORD_BYTES : OTHER_RECORD_BYTES);
