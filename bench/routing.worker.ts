/**
 * The Worker that bench/routing.ts runs in workerd to time routing's CPU per visit (locally workerd's clock
 * advances during synchronous work; deployed it does not, so a Worker cannot time itself there).
 *
 *   POST /visit?link=L&visit=V&times=R   R visits of link L (already compiled: the cached entry's state) with
 *                                        visit V, each with its own facts as on the redirect
 *   POST /compile?link=L&times=R         R compilations of link L (once per cache entry, on an isolate's miss)
 *
 * Answers the milliseconds per visit or compilation, as text. The clock's resolution is 1 ms, hence R.
 */
import { chooseDestination, compileRouting, type RoutedLink, type RoutingVisit } from "../functions/redirect/routing/index.ts";
import { MAX_CONDITIONS, MAX_RULES } from "../functions/shared/routing-conditions.ts";

/** Cloudflare's limits on what a visitor sends: a URL of 16 KB, headers of 128 KB in all. */
const URL_LIMIT = 16 * 1024;
const SHORT_URL = "https://eat.example/abcdefg?";
const upTo = (n: number, pair: (i: number) => string, head = "") => {
  let q = head;
  for (let i = 0; q.length + pair(i).length + 1 <= n; i++) q += `${q ? "&" : ""}${pair(i)}`;
  return q;
};
const cond = (type: string, matchValue: string | null, matchKey: string | null = null) => ({ type, matchKey, matchValue });

// Each rule's first nine conditions hold for the bench's visits and its tenth does not, so every condition of
// every rule is evaluated: the most work a link the API accepts can ask of one visit.
const PRESENT = Array.from({ length: MAX_CONDITIONS - 1 }, (_, i) => cond("query-param", `v${i}`, `k${i}`));
const HEAD = PRESENT.map((c) => `${c.matchKey}=${c.matchValue}`).join("&");
const ruled = (last: (r: number) => ReturnType<typeof cond>, first = PRESENT) =>
  Array.from({ length: MAX_RULES }, (_, r) => ({ url: `https://example.com/rule/${r}`, conditions: [...first, last(r)] }));

const MIXED = [
  cond("device", "desktop"), cond("browser", "firefox"), cond("language", "de"), cond("ip-address", "203.0.113.0/24"),
  cond("geolocation-country-code", "DE"), cond("geolocation-city-name", "berlin"), cond("after-date", "2000-01-01T00:00:00Z"),
  ...PRESENT.slice(0, 2),
];

const LINKS: Record<string, RoutedLink> = {
  // 50 rules of 10 query conditions.
  query: { id: "q", url: "https://example.com/", rules: ruled((r) => cond("any-value-query-param", null, `absent${r}`)) as never },
  // 50 rules of 10 conditions of every kind the visit below satisfies, the tenth a query condition that fails.
  mixed: { id: "m", url: "https://example.com/", rules: ruled((r) => cond("query-param", "no", `k${r % 9}`), MIXED as never) as never },
};

const UA = "Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0";
const base = { ip: "203.0.113.7", country: "DE", city: "Berlin", acceptLanguage: "de", userAgent: UA };
const room = URL_LIMIT - SHORT_URL.length;
const VISITS: Record<string, Omit<RoutingVisit, "now">> = {
  // An ordinary campaign visit: the baseline.
  short: { ...base, query: `${HEAD}&utm_source=news&utm_medium=email&utm_campaign=launch` },
  // A URL at the limit of distinct pairs (3,000 and more), of one name asked about, of one huge value.
  "long-distinct": { ...base, query: upTo(room, (i) => `p${i}=${i}`, HEAD) },
  "long-same-name": { ...base, query: upTo(room, (i) => `k${i % 9}=x${i}`, HEAD) },
  "long-one-value": { ...base, query: `${HEAD}&k0=${"x".repeat(room - HEAD.length - 4)}` },
  // The query at the limit and every header routing reads at the limit of what Cloudflare lets through.
  "long-everything": {
    ...base,
    query: upTo(room, (i) => `p${i}=${i}`, HEAD),
    userAgent: `${UA} ${"x".repeat(60_000)}`,
    acceptLanguage: `de,${"fr;q=0.5,".repeat(6_000)}`,
  },
};

export default {
  async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const link = LINKS[url.searchParams.get("link") ?? ""];
    const times = Number(url.searchParams.get("times") ?? 1);
    if (!link) return new Response("unknown link", { status: 404 });
    if (url.pathname === "/compile") {
      const t0 = performance.now();
      for (let i = 0; i < times; i++) compileRouting(link);
      return new Response(String((performance.now() - t0) / times));
    }
    const visit = VISITS[url.searchParams.get("visit") ?? ""];
    if (url.pathname !== "/visit" || !visit) return new Response("unknown visit", { status: 404 });
    const now = Date.now();
    let served = "";
    // A new user agent each visit, as a hostile client may send, so the isolate's memo does not hide its parse
    // (the memo keys on the first 512 characters: the change is at the start).
    const agents = Array.from({ length: times }, (_, i) => `${i} ${visit.userAgent}`);
    const t0 = performance.now();
    for (let i = 0; i < times; i++) served = chooseDestination(link, { ...visit, userAgent: agents[i], now }).url;
    const ms = (performance.now() - t0) / times;
    return new Response(served === link.url ? String(ms) : `a rule matched (${served}): the case is wrong`, { status: served === link.url ? 200 : 500 });
  },
};
