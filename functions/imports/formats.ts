/**
 * What the files of other shorteners call things, and how a row of one becomes a link (docs/import-export.md).
 * Headers (and JSON keys) match case-insensitively, ignoring spaces and "_"; a row's fields end up under our
 * names ("values"), which is also what a background import stores per row.
 */
import { inStorableRange, YEAR_10000 } from "../shared/instants.ts";

export const importFormats = ["auto", "bitly", "shlink", "kutt", "dub", "yourls", "csv", "json"] as const;
export type ImportFormat = (typeof importFormats)[number];
export type DetectedFormat = Exclude<ImportFormat, "auto">;

/** Our names of the fields a row can carry. */
export type ImportField =
  | "url" | "slug" | "shortUrl" | "domain" | "title" | "tags" | "createdAt"
  // Ours only (what export writes): the rest of the Link.
  | "id" | "redirectType" | "expiresAt" | "maxClicks" | "fallbackUrl" | "rules" | "variants" | "password" | "updatedAt" | "hasPassword"
  | "validSince" | "forwardQuery" | "crawlable" | "preview";

const ALIASES: Record<string, ImportField> = {
  longurl: "url", destinationurl: "url", url: "url", target: "url",
  shortcode: "slug", key: "slug", keyword: "slug", address: "slug", slug: "slug",
  shorturl: "shortUrl", link: "shortUrl", customlink: "shortUrl", bitlink: "shortUrl", shortlink: "shortUrl",
  domain: "domain",
  title: "title",
  tags: "tags",
  createdat: "createdAt", created: "createdAt", timestamp: "createdAt", datecreated: "createdAt",
};

/** Columns only our own export writes; another tool's `id` (Bitly's "bit.ly/abc") is not our id. */
const OURS: Record<string, ImportField> = {
  id: "id", redirecttype: "redirectType", expiresat: "expiresAt", maxclicks: "maxClicks", fallbackurl: "fallbackUrl",
  rules: "rules", variants: "variants", password: "password", updatedat: "updatedAt", haspassword: "hasPassword",
  validsince: "validSince", forwardquery: "forwardQuery", crawlable: "crawlable", preview: "preview",
};

/** The columns our CSV export writes, in order: the Link's fields. */
export const OUR_COLUMNS = [
  "id", "slug", "domain", "shortUrl", "url", "redirectType", "title", "tags", "expiresAt", "maxClicks", "fallbackUrl",
  "hasPassword", "rules", "variants", "validSince", "forwardQuery", "crawlable", "preview", "clicks", "createdAt", "updatedAt",
] as const;

export const normalizeHeader = (h: string) => h.toLowerCase().replace(/[\s_]/g, "");

const isOurs = (f: DetectedFormat) => f === "csv" || f === "json";

/** Which tool a file comes from, from its header names (normalized); null when none fits. */
export function sniff(headers: readonly string[], json: boolean): DetectedFormat | null {
  const h = new Set(headers.map(normalizeHeader));
  if (h.has("id") && h.has("slug") && h.has("url") && h.has("redirecttype")) return json ? "json" : "csv";
  if (h.has("shortcode")) return "shlink";
  if (h.has("keyword")) return "yourls";
  if (h.has("target") || h.has("address")) return "kutt";
  if (h.has("destinationurl") || h.has("shortlink")) return "dub";
  if (h.has("longurl") && (h.has("link") || h.has("bitlink") || h.has("custombitlinks"))) return "bitly";
  if ([...h].some((k) => ALIASES[k] === "url")) return json ? "json" : "csv";
  return null;
}

/** For each header, the field it fills (undefined: a column we do not read, such as visits). */
export function headerFields(headers: readonly string[], format: DetectedFormat): (ImportField | undefined)[] {
  return headers.map((raw) => {
    const h = normalizeHeader(raw);
    return ALIASES[h] ?? (isOurs(format) ? OURS[h] : undefined);
  });
}

/** A row's fields under our names; empty cells are left out; for two columns of one field, the first filled wins. */
export function rowValues(fields: readonly (ImportField | undefined)[], cells: readonly unknown[]): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  fields.forEach((f, i) => {
    const v = cells[i];
    if (!f || v === undefined || v === null || v === "" || f in values) return;
    values[f] = v;
  });
  return values;
}

export interface RowExtras {
  /** Kept from our own export, so a round trip keeps each link's identity and order. */
  id?: string;
  /** ISO text (to the microsecond when the file has it). */
  createdAt?: string;
  updatedAt?: string;
}

export type MappedRow = { ok: true; input: Record<string, unknown>; extras: RowExtras } | { ok: false; message: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * An instant as ISO text: ISO 8601 (with or without zone: none means UTC), "YYYY-MM-DD HH:MM:SS" (YOURLS,
 * Bitly), or Unix seconds or milliseconds. Fractions past the millisecond are kept. Null for anything else.
 */
export function parseInstant(v: unknown): string | null {
  if (typeof v === "number" || (typeof v === "string" && /^\d{9,13}$/.test(v))) {
    const n = Number(v);
    const ms = n < 1e11 ? n * 1000 : n;
    return Number.isFinite(ms) && ms >= 0 && ms < YEAR_10000 ? new Date(ms).toISOString() : null;
  }
  if (typeof v !== "string") return null;
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2})?)(\.\d{1,6})?(Z|[+-]\d{2}:?\d{2})?$/i.exec(v.trim());
  if (!m) return null;
  const [, day, time, frac = "", rawZone = "Z"] = m;
  // +0000 (Bitly) as +00:00, which Date.parse reads everywhere.
  const zone = rawZone.length === 5 ? `${rawZone.slice(0, 3)}:${rawZone.slice(3)}` : rawZone;
  const ms = Date.parse(`${day}T${time.length === 5 ? `${time}:00` : time}${frac.slice(0, 4)}${zone.toUpperCase()}`);
  if (Number.isNaN(ms) || !inStorableRange(ms)) return null;
  const iso = new Date(ms).toISOString();
  // Microseconds survive only in UTC text, where the digits can be carried over as written.
  return frac.length > 4 && (zone === "Z" || zone === "z") ? `${iso.slice(0, 19)}${frac}Z` : iso;
}

function splitTags(v: unknown): unknown {
  if (Array.isArray(v)) return v;
  if (typeof v !== "string") return v;
  const parts = v.split(v.includes("|") ? "|" : ",").map((t) => t.trim()).filter(Boolean);
  return parts;
}

/** The path and host of a short URL ("https://bit.ly/abc", or Bitly's "bit.ly/abc"). */
function parseShortUrl(v: unknown): { slug: string; host: string } | null {
  if (typeof v !== "string") return null;
  for (const text of [v, `https://${v}`]) {
    try {
      const u = new URL(text);
      if (u.protocol !== "http:" && u.protocol !== "https:") continue;
      return { slug: decodeURIComponent(u.pathname.replace(/^\/+|\/+$/g, "")), host: u.hostname };
    } catch {
      // not a URL this way: try the next
    }
  }
  return null;
}

function jsonCell(v: unknown, name: string): { ok: true; value: unknown } | { ok: false; message: string } {
  if (typeof v !== "string") return { ok: true, value: v };
  try {
    return { ok: true, value: JSON.parse(v) };
  } catch {
    return { ok: false, message: `${name}: is not JSON` };
  }
}

const asNumber = (v: unknown) => (typeof v === "string" && /^-?\d+$/.test(v.trim()) ? Number(v) : v);
const asBoolean = (v: unknown) => v === true || (typeof v === "string" && v.trim().toLowerCase() === "true");
/** "true" and "false" (as export writes them) as booleans; anything else as it is, for the schema to refuse. */
const asStrictBoolean = (v: unknown) => {
  const t = typeof v === "string" ? v.trim().toLowerCase() : v;
  return t === "true" ? true : t === "false" ? false : v;
};

/**
 * A row's values as the body of POST /api/v1/links (validated after this, with that route's own schema),
 * plus what only an import may set. `domain` given: every row goes on it (the import's ?domain=).
 */
export function toLinkInput(values: Record<string, unknown>, format: DetectedFormat, domain?: string | null): MappedRow {
  const input: Record<string, unknown> = {};
  const extras: RowExtras = {};
  if (values.url !== undefined) input.url = values.url;
  const short = values.shortUrl === undefined ? null : parseShortUrl(values.shortUrl);
  const slug = values.slug ?? (short?.slug || undefined);
  if (slug !== undefined) input.slug = slug;
  const host = values.domain ?? short?.host;
  if (domain !== undefined) input.domain = domain;
  else if (host !== undefined) input.domain = host;
  if (values.title !== undefined) input.title = values.title;
  if (values.tags !== undefined) input.tags = splitTags(values.tags);
  if (values.createdAt !== undefined) {
    const at = parseInstant(values.createdAt);
    if (!at) return { ok: false, message: "createdAt: is not a date (ISO 8601, YYYY-MM-DD HH:MM:SS or Unix time)" };
    extras.createdAt = at;
  }
  if (isOurs(format)) {
    if (values.id !== undefined) {
      if (typeof values.id !== "string" || !UUID.test(values.id)) return { ok: false, message: "id: must be a UUID, as export writes it" };
      extras.id = values.id.toLowerCase();
    }
    if (values.updatedAt !== undefined) {
      const at = parseInstant(values.updatedAt);
      if (!at) return { ok: false, message: "updatedAt: is not a date" };
      extras.updatedAt = at;
    }
    if (values.redirectType !== undefined) input.redirectType = asNumber(values.redirectType);
    if (values.maxClicks !== undefined) input.maxClicks = asNumber(values.maxClicks);
    for (const f of ["expiresAt", "fallbackUrl", "password", "validSince"] as const) if (values[f] !== undefined) input[f] = values[f];
    for (const f of ["forwardQuery", "crawlable"] as const) if (values[f] !== undefined) input[f] = asStrictBoolean(values[f]);
    for (const f of ["rules", "variants"] as const) {
      if (values[f] === undefined) continue;
      const parsed = jsonCell(values[f], f);
      if (!parsed.ok) return parsed;
      // Export writes a link without routing as [] and null; both mean none.
      if (parsed.value !== null && !(Array.isArray(parsed.value) && parsed.value.length === 0)) input[f] = parsed.value;
    }
    if (values.preview !== undefined) {
      const parsed = jsonCell(values.preview, "preview");
      if (!parsed.ok) return parsed;
      // Export writes a link without a card as an empty cell (CSV) or null (JSON): none.
      if (parsed.value !== null) input.preview = parsed.value;
    }
    if (asBoolean(values.hasPassword) && input.password === undefined) {
      return { ok: false, message: "hasPassword: the link has a password, which export never writes: give it one in a password column" };
    }
  }
  return { ok: true, input, extras };
}
