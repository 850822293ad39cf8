/**
 * Turns a ClickEvent captured at the edge into the row the clicks table stores: device, browser and OS from
 * the user agent, the referrer's host, UTM tags, geo. Pure and synchronous, so it runs the same in the
 * Worker and in the benchmark, and cannot fail a batch: whatever Postgres could refuse (NUL, lone
 * surrogates, index-breaking lengths) is cleaned here, one event at a time; parse-click.ts refuses what
 * cannot be a click.
 */
import UAParser from "ua-parser-js";
import type { ClickEvent } from "../shared/click-event.ts";
import { formatChosenBy, parseChosenBy } from "../redirect/routing/chosen-by.ts";

/** A row of the clicks table as sent to Postgres (snake_case: its keys are the column names, commit.ts). */
export interface ClickRecord {
  id: string;
  link_id: string;
  /** ISO 8601 UTC. */
  ts: string;
  kind: ClickEvent["kind"];
  reason: string | null;
  visitor: string;
  user_agent: string | null;
  referrer: string | null;
  referrer_host: string | null;
  country: string | null;
  region: string | null;
  city: string | null;
  device: string | null;
  browser: string | null;
  os: string | null;
  utm_source: string | null;
  utm_medium: string | null;
  utm_campaign: string | null;
  query: string | null;
  /** The URL routing chose, before query forwarding (ClickEvent.chosenUrl); null when withheld or unknown. */
  chosen_url: string | null;
  /** "rule:<i>", "variant:<i>" or "url"; null for a fallback, a withheld answer, or an event without it. */
  chosen_by: string | null;
}

/** Free text kept whole in the raw row (a user agent, a referrer) is cut here: nothing legitimate is longer. */
const MAX_TEXT = 2048;
/** Values that become rollup keys sit in a btree primary key (about 2.7 kB max per entry): keep them short. */
export const MAX_DIM = 200;

// NUL cannot be stored in Postgres text, and a lone surrogate makes JSON that Postgres refuses.
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

// Cheap pre-check: almost no string holds a NUL or a surrogate, and the full pattern's lookarounds cost.
const SUSPECT = /[\u0000\ud800-\udfff]/;
/** UNSTORABLE for test(): without the g flag, which would make test() resume where the last match ended. */
const HAS_UNSTORABLE = new RegExp(UNSTORABLE.source);
export const storable = (s: string) => !SUSPECT.test(s) || !HAS_UNSTORABLE.test(s);

function clean(s: string | null | undefined, max: number): string | null {
  if (s === null || s === undefined) return null;
  let out = (SUSPECT.test(s) ? s.replace(UNSTORABLE, "\ufffd") : s).trim();
  if (out.length > max) out = out.slice(0, max).replace(/[\ud800-\udbff]$/, "");
  return out === "" ? null : out;
}

/**
 * Isolate-lifetime memo for pure functions of strings that repeat a lot (user agents, referrers,
 * destinations). Bounded: cleared whole when full (simple, and refilling is cheap).
 */
function memo<T>(fn: (s: string) => T, max = 2000): (s: string) => T {
  const m = new Map<string, T>();
  return (s) => {
    let v = m.get(s);
    if (v === undefined && !m.has(s)) {
      v = fn(s);
      if (m.size >= max) m.clear();
      m.set(s, v);
    }
    return v as T;
  };
}

interface UaFacts {
  device: string | null;
  browser: string | null;
  os: string | null;
}

// Parsing costs about 20 µs and real traffic repeats a few hundred user agents: memoized (see memo).
const uaFacts = memo((ua: string): UaFacts => {
  const r = new UAParser(ua).getResult();
  const os = clean(r.os.name, MAX_DIM);
  // ua-parser-js names no device type for desktops; a known OS without one is a desktop (or laptop).
  return { device: clean(r.device.type, MAX_DIM) ?? (os ? "desktop" : null), browser: clean(r.browser.name, MAX_DIM), os };
});

const NO_UA: UaFacts = { device: null, browser: null, os: null };

export function parseUserAgent(ua: string | null): UaFacts {
  return ua ? uaFacts(ua) : NO_UA;
}

/** Host of the referring page, lower case, without a leading "www."; null when absent or not a URL. */
const hostOf = memo((referrer: string): string | null => {
  try {
    return clean(new URL(referrer).hostname.toLowerCase().replace(/^www\./, ""), MAX_DIM);
  } catch {
    return null;
  }
});

export function referrerHost(referrer: string | null): string | null {
  return referrer ? hostOf(referrer) : null;
}

const UTM = ["utm_source", "utm_medium", "utm_campaign"] as const;
type Utm = Record<(typeof UTM)[number], string | null>;

const NO_UTM: Utm = { utm_source: null, utm_medium: null, utm_campaign: null };

function utmOf(params: URLSearchParams): Utm {
  const out = {} as Utm;
  for (const k of UTM) out[k] = clean(params.get(k), MAX_DIM);
  return out;
}

const queryUtm = memo((query: string) => (query.includes("utm_") ? utmOf(new URLSearchParams(query)) : NO_UTM));
const destUtm = memo((dest: string) => {
  try {
    return utmOf(new URL(dest).searchParams);
  } catch {
    return NO_UTM;
  }
});

/**
 * UTM tags: the short URL's own query wins (it is what this visitor followed, e.g. a campaign's
 * sho.rt/x?utm_source=newsletter); the destination's query (the link owner's defaults) fills the gaps.
 */
export function utmTags(query: string | null, dest: string | null): Utm {
  const own = query ? queryUtm(query) : NO_UTM;
  const target = dest ? destUtm(dest) : NO_UTM;
  return {
    utm_source: own.utm_source ?? target.utm_source,
    utm_medium: own.utm_medium ?? target.utm_medium,
    utm_campaign: own.utm_campaign ?? target.utm_campaign,
  };
}

/** A chosen destination fits a rollup key when it is a link's stored URL: ASCII (href), at most 2,048 characters. */
const MAX_URL = 2048;
/**
 * Non-ASCII never comes from the redirect (it stores normalized hrefs): cut so that even 3 bytes per UTF-16
 * unit stays within a btree key of the dims tables (about 2.7 kB with the rest of the key).
 */
const MAX_NON_ASCII_URL = 680;
const NON_ASCII = /[^\x00-\x7f]/;

function chosenUrl(s: string | null | undefined): string | null {
  const url = clean(s, MAX_URL);
  return url && NON_ASCII.test(url) ? clean(url, MAX_NON_ASCII_URL) : url;
}

/** What chose the destination, normalized; anything parseChosenBy does not read is unknown (null), not an error. */
function chosenBy(s: string | null | undefined): string | null {
  if (s === null || s === undefined) return null;
  const c = parseChosenBy(s);
  return c ? formatChosenBy(c) : null;
}

export function enrich(e: ClickEvent): ClickRecord {
  const ua = clean(e.ua, MAX_TEXT);
  const referrer = clean(e.referrer, MAX_TEXT);
  const query = clean(e.query, MAX_TEXT);
  const { device, browser, os } = parseUserAgent(ua);
  return {
    id: e.id,
    link_id: e.linkId,
    ts: new Date(e.ts).toISOString(),
    kind: e.kind,
    reason: clean(e.reason, MAX_DIM),
    visitor: e.visitor,
    user_agent: ua,
    referrer,
    referrer_host: referrerHost(referrer),
    country: clean(e.country, MAX_DIM),
    region: clean(e.region, MAX_DIM),
    city: clean(e.city, MAX_DIM),
    device,
    browser,
    os,
    ...utmTags(query, e.dest),
    query,
    chosen_url: chosenUrl(e.chosenUrl),
    chosen_by: chosenBy(e.chosenBy),
  };
}
