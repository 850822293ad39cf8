/**
 * Synthetic clicks for the benchmarks: deterministic, skewed the way real traffic is (a few links,
 * referrers and places get most clicks), a few hundred user agents, in time order as the stream holds them.
 * Settings (environment): LINKS, VISITORS, SPAN_HOURS (hours the clicks span), SHUFFLE=1 (random order).
 */
import type { ClickEvent } from "../functions/shared/click-event.ts";

export const LINKS = Number(process.env.LINKS ?? 200);
export const VISITORS = Number(process.env.VISITORS ?? 30_000);
export const SPAN_HOURS = Number(process.env.SPAN_HOURS ?? 24);
const SHUFFLE = process.env.SHUFFLE === "1";

/** Deterministic PRNG (mulberry32): the same clicks every run. */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = rng(42);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
/** Skewed pick: a few values get most of the traffic, as with real links, referrers and places. */
const pickSkewed = <T>(xs: readonly T[]): T => xs[Math.floor(rand() ** 3 * xs.length)];

// A few hundred distinct user agents (browser versions vary), like real traffic.
export const UAS = Array.from({ length: 400 }, (_, i) => {
  const v = 100 + (i % 25);
  switch (i % 8) {
    case 0: return `Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${v}.0.${i}.0 Safari/537.36`;
    case 1: return `Mozilla/5.0 (iPhone; CPU iPhone OS 17_${i % 6} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.${i % 6} Mobile/15E148 Safari/604.1`;
    case 2: return `Mozilla/5.0 (Linux; Android 14; Pixel ${i % 9}) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${v}.0.0.0 Mobile Safari/537.36`;
    case 3: return `Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.${i % 6} Safari/605.1.15`;
    case 4: return `Mozilla/5.0 (X11; Linux x86_64; rv:${v}.0) Gecko/20100101 Firefox/${v}.0`;
    case 5: return `Mozilla/5.0 (iPad; CPU OS 17_${i % 6} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.${i % 6} Mobile/15E148 Safari/604.1`;
    case 6: return `Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${v}.0.0.0 Safari/537.36 Edg/${v}.0.${i}.0`;
    default: return `Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html) v${i}`;
  }
});
const REFERRERS = [null, "https://www.google.com/", "https://t.co/abc", "https://news.ycombinator.com/item?id=1",
  "https://www.reddit.com/r/x", "https://www.linkedin.com/feed/", "https://mail.example.org/", "android-app://com.slack/"];
const PLACES = [["US", "CA", "San Francisco"], ["US", "NY", "New York"], ["DE", "BE", "Berlin"], ["FR", "IDF", "Paris"],
  ["GB", "ENG", "London"], ["IN", "KA", "Bengaluru"], ["BR", "SP", "São Paulo"], ["JP", "13", "Tokyo"], [null, null, null]];
const QUERIES = [null, null, null, "utm_source=newsletter&utm_medium=email&utm_campaign=spring", "utm_source=twitter", "ref=abc"];

/** 64 hex digits, distinct per visitor number, as the redirect's HMAC gives (deterministic, not random). */
const visitorHash = (n: number) => (Math.imul(n + 1, 0x9e3779b1) >>> 0).toString(16).padStart(8, "0").repeat(8);

export function makeClicks(n: number): ClickEvent[] {
  const now = Date.now();
  const span = SPAN_HOURS * 3600_000;
  return Array.from({ length: n }, (_, i) => {
    const kindRoll = rand();
    const kind = kindRoll < 0.85 ? "human" : kindRoll < 0.95 ? "bot" : "preview";
    const [country, region, city] = pickSkewed(PLACES);
    const link = Math.floor(rand() ** 2 * LINKS);
    return {
      id: `bench-${i}-${Math.floor(rand() * 1e9).toString(36)}`,
      linkId: `link${link}`,
      slug: `s${link}`,
      ts: SHUFFLE ? now - Math.floor(rand() * span) : now - span + Math.floor((i * span) / n),
      kind,
      reason: kind === "human" ? null : kind === "bot" ? "isbot" : "preview-fetcher",
      visitor: visitorHash(Math.floor(rand() * VISITORS)),
      ua: pick(UAS),
      referrer: pickSkewed(REFERRERS),
      country, region, city,
      query: pick(QUERIES),
      dest: `https://example.com/page/${link}?utm_source=site&utm_campaign=c${link % 7}`,
    };
  });
}

