/**
 * A link's rules and variants turned, once per cached link entry, into predicates and a cumulative weight
 * table: the redirect then only runs closures. Written for what comes out of a cache too, so a malformed
 * entry never throws: a condition that cannot be understood never matches (its rule is skipped) and variants
 * whose weights make no sense are left out.
 */
import type { Condition, Rule, Variant } from "../../api/links/routing-schemas.ts";
import { parseIpPattern } from "../../shared/ip-pattern.ts";
import { BROWSERS, DEVICES, type Browser, type Device } from "../../shared/routing-conditions.ts";
import type { VisitFacts } from "./facts.ts";

type Predicate = (f: VisitFacts) => boolean;

export interface CompiledRule {
  url: string;
  /** Index in the link's `rules` (what a click records). */
  index: number;
  matches: Predicate[];
}

export interface CompiledVariants {
  urls: string[];
  /** Cumulative weights: variant i takes buckets [bounds[i-1], bounds[i]). */
  bounds: number[];
  /** Indexes in the link's `variants`. */
  indexes: number[];
  total: number;
}

export interface CompiledRouting {
  rules: CompiledRule[];
  variants: CompiledVariants | null;
}

/** The part of a link routing reads. `id` keeps one visitor's buckets on two links independent. */
export interface RoutedLink {
  id?: string;
  url: string;
  rules?: readonly Rule[] | null;
  variants?: readonly Variant[] | null;
}

const NEVER: Predicate = () => false;
const str = (v: unknown): string | null => (typeof v === "string" ? v : null);

function compileCondition(c: Condition): Predicate {
  if (!c || typeof c !== "object") return NEVER;
  const value = str(c.matchValue);
  const key = str(c.matchKey);
  switch (c.type) {
    case "device": {
      const d = value?.toLowerCase() as Device;
      return DEVICES.includes(d) ? (f) => f.hasDevice(d) : NEVER;
    }
    case "browser": {
      const b = value?.toLowerCase() as Browser;
      return BROWSERS.includes(b) ? (f) => f.isBrowser(b) : NEVER;
    }
    case "language": {
      const tag = value?.trim().toLowerCase();
      return tag ? (f) => f.acceptsLanguage(tag) : NEVER;
    }
    case "query-param":
      return key && value !== null ? (f) => f.query().get(key)?.has(value) === true : NEVER;
    case "any-value-query-param":
      return key ? (f) => f.query().has(key) : NEVER;
    case "valueless-query-param":
      return key ? (f) => f.query().get(key)?.has("") === true : NEVER;
    case "ip-address": {
      const p = value === null ? null : parseIpPattern(value);
      return p ? (f) => f.ipIn(p) : NEVER;
    }
    case "geolocation-country-code": {
      const cc = value?.trim().toUpperCase();
      return cc ? (f) => f.country() === cc : NEVER;
    }
    case "geolocation-city-name": {
      const city = value?.trim().toLowerCase();
      return city ? (f) => f.city() === city : NEVER;
    }
    case "before-date": {
      const t = value === null ? NaN : Date.parse(value);
      return Number.isFinite(t) ? (f) => f.now < t : NEVER;
    }
    case "after-date": {
      const t = value === null ? NaN : Date.parse(value);
      return Number.isFinite(t) ? (f) => f.now > t : NEVER;
    }
    default:
      return NEVER;
  }
}

function compileRules(rules: unknown): CompiledRule[] {
  if (!Array.isArray(rules)) return [];
  const out: CompiledRule[] = [];
  rules.forEach((r: Rule, index) => {
    const url = str(r?.url);
    if (!url || !Array.isArray(r.conditions) || r.conditions.length === 0) return;
    const matches = r.conditions.map(compileCondition);
    if (matches.includes(NEVER)) return;
    out.push({ url, index, matches });
  });
  return out;
}

function compileVariants(variants: unknown): CompiledVariants | null {
  if (!Array.isArray(variants)) return null;
  const v: CompiledVariants = { urls: [], bounds: [], indexes: [], total: 0 };
  variants.forEach((x: Variant, index) => {
    const url = str(x?.url);
    const w = x?.weight;
    if (!url || !Number.isSafeInteger(w) || w <= 0) return;
    v.total += w;
    v.urls.push(url);
    v.bounds.push(v.total);
    v.indexes.push(index);
  });
  return v.urls.length ? v : null;
}

export function compileRouting(link: RoutedLink): CompiledRouting {
  return { rules: compileRules(link.rules), variants: compileVariants(link.variants) };
}

// Isolate-lifetime: keyed by the cached link object itself, so each cache entry is compiled once, and an
// entry replaced in the cache (a PATCH, an expiry) takes its compiled form with it when it is collected.
const compiled = new WeakMap<object, CompiledRouting>();

export function compiledRouting(link: RoutedLink): CompiledRouting {
  let c = compiled.get(link);
  if (!c) {
    c = compileRouting(link);
    compiled.set(link, c);
  }
  return c;
}
