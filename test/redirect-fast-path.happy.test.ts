/**
 * The redirect's fast path (functions/redirect/fast-path.ts) answers cached ordinary links before the app:
 * it must give the app's answer and capture the same click, and leave everything else to the app.
 */
import { afterAll, describe, expect, it } from "vitest";
import { toStoredRules, toStoredVariants } from "../functions/api/links/routing-schemas.ts";
import { app } from "../functions/app.ts";
import { appAnswer as viaApp, fastPathAnswer as fast } from "./helpers/answer-paths.ts";
import { isReservedSlug } from "../functions/shared/slugs.ts";
import { BROWSER_UA, Fixtures, human } from "./helpers/redirect.ts";
import { BASE, call } from "./helpers/worker.ts";

const f = new Fixtures();
afterAll(() => f.cleanup());

const request = (path: string, init: RequestInit = {}) =>
  new Request(`${BASE}${path}`, { headers: { "user-agent": BROWSER_UA, "x-forwarded-for": "203.0.113.40" }, ...init });



const shape = (res: Response) => ({ status: res.status, headers: Object.fromEntries(res.headers), body: res.body === null });

describe("the redirect's fast path", () => {
  it("cannot shadow a route: every fixed one-segment path of the app is a reserved slug", () => {
    const fixed = [...new Set(app.routes.map((r) => r.path))].filter((p) => /^\/[^/:*{}]+$/.test(p));
    expect(fixed.length).toBeGreaterThan(3); // /app, /docs, /healthz, /openapi.json at least
    for (const path of fixed) expect(isReservedSlug(path.slice(1)), path).toBe(true);
  });

  it("answers a cached ordinary link exactly as the app does, and captures the same click", async () => {
    const link = await f.link({ url: "https://dest.example/fast?keep=1", redirectType: 301 });
    expect((await call("GET", `/${link.slug}`, human())).status).toBe(301); // a miss: the app fills the cache
    for (const method of ["GET", "HEAD"]) {
      const path = `/${link.slug}?keep=2&utm_source=news`;
      const a = await fast(request(path, { method }));
      const b = await viaApp(request(path, { method }));
      expect(a).not.toBeNull();
      expect(shape(a!)).toEqual(shape(b));
      expect(a!.headers.get("location")).toBe("https://dest.example/fast?keep=1&utm_source=news");
    }
    const events = await f.events(link.id);
    expect(events.map((e) => [e.kind, e.dest])).toEqual([
      ["human", "https://dest.example/fast?keep=1"],
      ["human", "https://dest.example/fast?keep=1&utm_source=news"],
      ["human", "https://dest.example/fast?keep=1&utm_source=news"],
      ["preview", "https://dest.example/fast?keep=1&utm_source=news"],
      ["preview", "https://dest.example/fast?keep=1&utm_source=news"],
    ]);
    expect(new Set(events.map((e) => e.visitor)).size).toBe(2); // the first call came from another address
  });

  it("routes a cached link with rules and variants exactly as the app does, and records the same choice", async () => {
    const link = await f.link({
      url: "https://dest.example/url",
      rules: toStoredRules([
        { url: "https://dest.example/ios", conditions: [{ type: "device", matchValue: "ios" }] },
        { url: "https://dest.example/beta", conditions: [{ type: "query-param", matchKey: "ref", matchValue: "beta" }] },
      ]),
      variants: toStoredVariants([{ url: "https://dest.example/a", weight: 50 }, { url: "https://dest.example/b", weight: 50 }]),
    });
    expect((await call("GET", `/${link.slug}`, human())).status).toBe(302); // a miss: the app fills the cache
    const iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1";
    const visits: [string, Record<string, string>][] = [
      ["?x=1", { "user-agent": iphone }],
      ["?ref=beta", {}],
      ...["203.0.113.1", "203.0.113.2", "203.0.113.3", "203.0.113.4"].map((ip): [string, Record<string, string>] => ["?x=2", { "x-forwarded-for": ip }]),
    ];
    const locations = new Set<string | null>();
    for (const [query, headers] of visits) {
      const req = () => request(`/${link.slug}${query}`, { headers: { "user-agent": BROWSER_UA, "x-forwarded-for": "203.0.113.40", ...headers } });
      const a = await fast(req());
      const b = await viaApp(req());
      expect(a).not.toBeNull();
      expect(shape(a!)).toEqual(shape(b));
      locations.add(a!.headers.get("location"));
    }
    expect([...locations].slice(0, 2)).toEqual(["https://dest.example/ios?x=1", "https://dest.example/beta?ref=beta"]);
    const events = (await f.events(link.id)).slice(1); // after the first call's
    // Fast path and app, visit by visit: the same choice, URL and dest.
    const pairs = events.map((e) => [e.chosenBy, e.chosenUrl, e.dest]);
    for (let i = 0; i < pairs.length; i += 2) expect(pairs[i]).toEqual(pairs[i + 1]);
    expect(pairs.map((p) => String(p[0]).split(":")[0])).toEqual(["rule", "rule", "rule", "rule", ...Array(8).fill("variant")]);
  });

  it("leaves to the app what it does not serve directly", async () => {
    const plain = await f.link({ url: "https://dest.example/plain" });
    const limited = await f.link({ url: "https://dest.example/limited", maxClicks: 5 });
    const expired = await f.link({ url: "https://dest.example/old", expiresAt: new Date(Date.now() - 60_000) });
    for (const l of [plain, limited, expired]) await call("GET", `/${l.slug}`, human()); // all cached now
    expect(await fast(request(`/${plain.slug}`))).not.toBeNull();
    const left = [
      request(`/${limited.slug}`), // its click limit is claimed on the request path
      request(`/${expired.slug}`), // 410 or its fallback
      request(`/${f.slug()}`), // not cached
      request("/docs"), // a route
      request(`/%${plain.slug.charCodeAt(0).toString(16)}${plain.slug.slice(1)}`), // the app decodes it
      request(`/${plain.slug}/`),
      request(`/${plain.slug}`, { method: "POST", body: "password=x" }),
    ];
    for (const req of left) expect(await fast(req), `${req.method} ${req.url}`).toBeNull();
  });
});
