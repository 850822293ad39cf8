/**
 * Which destination a visit of a link gets: the first rule whose conditions ALL match, else a variant (sticky
 * for the visitor for the UTC day), else the link's url. Password, expiry and the click limit are decided
 * before this, and query forwarding after it, by the redirect (docs/routing.md). Never throws, whatever the
 * headers, so a hostile request cannot turn a redirect into a 500.
 */
import { compiledRouting, type CompiledVariants, type RoutedLink } from "./compile.ts";
import type { ChosenBy } from "./chosen-by.ts";
import { VisitFacts, type RoutingVisit } from "./facts.ts";

export { formatChosenBy, parseChosenBy, type ChosenBy } from "./chosen-by.ts";

export interface Destination {
  /** The rule's, variant's or link's URL as stored; the redirect appends the forwarded query. */
  url: string;
  chosenBy: ChosenBy;
}

const DAY_MS = 86_400_000;
const BY_URL: ChosenBy = Object.freeze({ kind: "url" });

/** 32-bit FNV-1a over UTF-16 units, then murmur3's finalizer so that every input bit reaches the low bits. */
export function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * The variant of a visitor: a bucket in [0, total) from the link, the UTC day and the visitor, so one visitor
 * keeps its variant all day (a reload does not flip it), the split follows the weights over many visitors,
 * and the same visitor's buckets on two links are unrelated.
 */
export function variantBucket(linkKey: string, day: number, visitorKey: string, total: number): number {
  return hash32(`${linkKey}\n${day}\n${visitorKey}`) % total;
}

function pickVariant(v: CompiledVariants, link: RoutedLink, facts: VisitFacts): number {
  const { visit } = facts;
  const visitor =
    typeof visit.visitorHash === "string" && visit.visitorHash
      ? visit.visitorHash
      : `${typeof visit.ip === "string" ? visit.ip : ""}\n${typeof visit.userAgent === "string" ? visit.userAgent : ""}`;
  const bucket = variantBucket(typeof link.id === "string" ? link.id : link.url, Math.floor(facts.now / DAY_MS), visitor, v.total);
  let i = 0;
  while (bucket >= v.bounds[i]) i++;
  return i;
}

function allMatch(matches: readonly ((f: VisitFacts) => boolean)[], facts: VisitFacts): boolean {
  for (let i = 0; i < matches.length; i++) if (!matches[i](facts)) return false;
  return true;
}

export function chooseDestination(link: RoutedLink, visit: RoutingVisit): Destination {
  // The common case, a link with neither, costs two property reads.
  if (!link.rules?.length && !link.variants?.length) return { url: link.url, chosenBy: BY_URL };
  const routing = compiledRouting(link);
  const facts = new VisitFacts(visit);
  for (const rule of routing.rules) {
    if (allMatch(rule.matches, facts)) return { url: rule.url, chosenBy: { kind: "rule", index: rule.index } };
  }
  if (routing.variants) {
    const i = pickVariant(routing.variants, link, facts);
    return { url: routing.variants.urls[i], chosenBy: { kind: "variant", index: routing.variants.indexes[i] } };
  }
  return { url: link.url, chosenBy: BY_URL };
}
