/**
 * Google Safe Browsing, Lookup API v4 (threatMatches:find): which destinations are on Google's lists of
 * malware, phishing, unwanted software and harmful apps. One Redis MGET reads the cached verdicts of every URL
 * asked about; the rest go to the API in requests of at most 500 URLs (its limit), made side by side, and
 * their verdicts are cached: "safe" for SAFE_TTL_SECONDS (the API gives no duration for a URL it does not
 * match), "unsafe" for the match's own cacheDuration, which the API says must not be exceeded. A lookup that
 * fails (timeout, 5xx, quota) gives "unknown" for its URLs and caches nothing: the caller decides (docs/abuse.md).
 */
import type { Env } from "../shared/env.ts";
import { sha256Hex } from "../shared/crypto.ts";
import { redisKeys } from "../shared/redis-keys.ts";
import type { AppRedis } from "../shared/redis.ts";

export type SafeBrowsingVerdict =
  | { status: "safe" }
  | { status: "unsafe"; threatType: string }
  /** The lookup did not answer: "timeout", "http 503", "http 429" (quota), "bad answer", "too many URLs". */
  | { status: "unknown"; reason: string };

export type SafeBrowsingConfig = Pick<Env, "SAFE_BROWSING_API_KEY" | "SAFE_BROWSING_URL" | "SAFE_BROWSING_TIMEOUT_MS">;

/** URLs one threatMatches:find request may carry (the Lookup API's documented limit). */
export const LOOKUP_BATCH_URLS = 500;
/** Lookups one call makes at most (each is a subrequest): URLs beyond 5,000 are "unknown". */
export const MAX_LOOKUPS = 10;
/** How long a URL the API did not match is taken as safe. */
export const SAFE_TTL_SECONDS = 30 * 60;
/** An unsafe verdict's lifetime when a match carries no cacheDuration (the API's usual one is 300 s). */
const DEFAULT_UNSAFE_TTL_SECONDS = 300;

export const THREAT_TYPES = ["MALWARE", "SOCIAL_ENGINEERING", "UNWANTED_SOFTWARE", "POTENTIALLY_HARMFUL_APPLICATION"] as const;
const CLIENT = { clientId: "eatmyurl", clientVersion: "1.0.0" };

/** The URL as the cache knows it: WHATWG-normalised, without its fragment (which never reaches a server). */
export function canonicalUrl(url: string): string {
  const u = new URL(url);
  u.hash = "";
  return u.href;
}

/** "300s", "12.5s" (protobuf Duration in JSON) as whole seconds, at least 1; undefined otherwise. */
function seconds(duration: unknown): number | undefined {
  const m = typeof duration === "string" ? /^(\d+)(?:\.\d+)?s$/.exec(duration) : null;
  return m ? Math.max(1, Number(m[1])) : undefined;
}

interface Lookup {
  verdicts: Map<string, SafeBrowsingVerdict>;
  ttls: Map<string, number>;
}

/** One threatMatches:find request for `urls` (canonical, at most 500). */
async function lookup(config: SafeBrowsingConfig, urls: readonly string[]): Promise<Lookup> {
  const verdicts = new Map<string, SafeBrowsingVerdict>();
  const ttls = new Map<string, number>();
  const fail = (reason: string): Lookup => {
    for (const u of urls) verdicts.set(u, { status: "unknown", reason });
    return { verdicts, ttls };
  };
  const endpoint = `${config.SAFE_BROWSING_URL.replace(/\/+$/, "")}/v4/threatMatches:find?key=${encodeURIComponent(config.SAFE_BROWSING_API_KEY ?? "")}`;
  const body = {
    client: CLIENT,
    threatInfo: {
      threatTypes: THREAT_TYPES,
      platformTypes: ["ANY_PLATFORM"],
      threatEntryTypes: ["URL"],
      threatEntries: urls.map((url) => ({ url })),
    },
  };
  let answer: unknown;
  try {
    const res = await fetch(endpoint, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(config.SAFE_BROWSING_TIMEOUT_MS),
    });
    if (!res.ok) {
      await res.body?.cancel();
      return fail(`http ${res.status}`);
    }
    answer = await res.json();
  } catch (e) {
    return fail(e instanceof Error && (e.name === "TimeoutError" || e.name === "AbortError") ? "timeout" : "unreachable");
  }
  // No match at all is an empty object: {}.
  const matches = (answer as { matches?: unknown } | null)?.matches ?? [];
  if (!answer || typeof answer !== "object" || !Array.isArray(matches)) return fail("bad answer");
  for (const u of urls) verdicts.set(u, { status: "safe" });
  for (const m of matches as { threatType?: unknown; threat?: { url?: unknown }; cacheDuration?: unknown }[]) {
    const url = typeof m?.threat?.url === "string" ? m.threat.url : undefined;
    if (!url || typeof m.threatType !== "string") continue;
    let key: string;
    try {
      key = verdicts.has(url) ? url : canonicalUrl(url);
    } catch {
      continue;
    }
    if (!verdicts.has(key) || verdicts.get(key)!.status === "unsafe") continue;
    verdicts.set(key, { status: "unsafe", threatType: m.threatType });
    ttls.set(key, seconds(m.cacheDuration) ?? DEFAULT_UNSAFE_TTL_SECONDS);
  }
  return { verdicts, ttls };
}

const encode = (v: SafeBrowsingVerdict) => (v.status === "unsafe" ? `unsafe:${v.threatType}` : "safe");
function decode(value: unknown): SafeBrowsingVerdict | undefined {
  if (value === "safe") return { status: "safe" };
  if (typeof value === "string" && value.startsWith("unsafe:")) return { status: "unsafe", threatType: value.slice(7) };
  return undefined;
}

/**
 * The verdict of each of `urls` (http(s) URLs), keyed by the URL as given. Without SAFE_BROWSING_API_KEY the
 * map is empty: nothing was checked. Costs one Redis MGET, and for the URLs not cached, one lookup per 500 of
 * them and one Redis pipeline of a SET per verdict learned. A Redis failure only costs the cache.
 */
export async function safeBrowsingVerdicts(config: SafeBrowsingConfig, redis: AppRedis, urls: readonly string[]): Promise<Map<string, SafeBrowsingVerdict>> {
  const out = new Map<string, SafeBrowsingVerdict>();
  if (!config.SAFE_BROWSING_API_KEY || !urls.length) return out;
  const canonical = new Map<string, string>();
  for (const url of urls) canonical.set(url, canonicalUrl(url));
  const unique = [...new Set(canonical.values())];
  const keys = await Promise.all(unique.map(async (u) => redisKeys.safeBrowsing(await sha256Hex(u))));

  const known = new Map<string, SafeBrowsingVerdict>();
  try {
    const cached = await redis.mget<unknown[]>(...keys);
    unique.forEach((u, i) => {
      const v = decode(cached[i]);
      if (v) known.set(u, v);
    });
  } catch (e) {
    console.error("safe browsing: the verdict cache could not be read:", e instanceof Error ? e.message : e);
  }

  const missing = unique.filter((u) => !known.has(u));
  const batches: string[][] = [];
  for (let i = 0; i < missing.length; i += LOOKUP_BATCH_URLS) batches.push(missing.slice(i, i + LOOKUP_BATCH_URLS));
  const results = await Promise.all(batches.slice(0, MAX_LOOKUPS).map((b) => lookup(config, b)));
  for (const b of batches.slice(MAX_LOOKUPS)) for (const u of b) known.set(u, { status: "unknown", reason: "too many URLs" });

  const sets: (string | number)[][] = [];
  const keyOf = new Map(unique.map((u, i) => [u, keys[i]]));
  for (const r of results) {
    for (const [u, v] of r.verdicts) {
      known.set(u, v);
      if (v.status !== "unknown") sets.push(["SET", keyOf.get(u)!, encode(v), "EX", v.status === "safe" ? SAFE_TTL_SECONDS : r.ttls.get(u)!]);
    }
  }
  if (sets.length) {
    try {
      await redis.sendPipeline(sets);
    } catch (e) {
      console.error("safe browsing: verdicts could not be cached:", e instanceof Error ? e.message : e);
    }
  }
  for (const [url, c] of canonical) out.set(url, known.get(c)!);
  return out;
}

/**
 * The health cron's view of the verdicts (functions/health/run.ts, `checkUnsafe`): each URL's threat type when
 * flagged, null otherwise (an unknown verdict flags nothing: the next check asks again). Undefined without a key.
 */
export function unsafeThreats(config: SafeBrowsingConfig, redis: AppRedis): ((urls: string[]) => Promise<Map<string, string | null>>) | undefined {
  if (!config.SAFE_BROWSING_API_KEY) return undefined;
  return async (urls) => {
    const verdicts = await safeBrowsingVerdicts(config, redis, urls);
    return new Map(urls.map((u) => {
      const v = verdicts.get(u);
      return [u, v?.status === "unsafe" ? v.threatType : null];
    }));
  };
}
