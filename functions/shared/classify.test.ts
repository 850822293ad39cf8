import { describe, expect, it } from "vitest";
import { classifyClick } from "./classify.ts";
import { FETCHERS, PEOPLE } from "../../test/helpers/preview-fetchers.ts";

const CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36";
const IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";
const get = (headers: Record<string, string>) => classifyClick("GET", new Headers(headers));

describe("classifyClick", () => {
  it("takes browsers for humans", () => {
    expect(get({ "user-agent": CHROME })).toEqual({ kind: "human", reason: null });
    expect(get({ "user-agent": IPHONE })).toEqual({ kind: "human", reason: null });
  });

  it.each(PEOPLE.map((p) => [p.who, p.ua]))("takes %s for a human, not for its app's preview fetcher", (_who, ua) => {
    expect(get({ "user-agent": ua })).toEqual({ kind: "human", reason: null });
  });

  it("reports HEAD as a preview, whoever sends it", () => {
    expect(classifyClick("HEAD", new Headers({ "user-agent": CHROME }))).toEqual({ kind: "preview", reason: "head" });
    expect(classifyClick("head", new Headers())).toEqual({ kind: "preview", reason: "head" });
  });

  it.each([
    ["sec-purpose", "prefetch"],
    ["sec-purpose", "prefetch;prerender"],
    ["purpose", "prefetch"],
    ["x-purpose", "preview"],
    ["x-moz", "prefetch"],
  ])("reports %s: %s as a prefetch", (name, value) => {
    expect(get({ "user-agent": CHROME, [name]: value })).toEqual({ kind: "preview", reason: "prefetch" });
  });

  it.each(FETCHERS.map((f) => [f.network, f.ua]))("reports %s's link-preview fetcher as a preview, not a bot (%s)", (_network, ua) => {
    expect(get({ "user-agent": ua })).toEqual({ kind: "preview", reason: "preview-fetcher" });
  });

  it("reports a fetcher's HEAD as the fetcher's, anyone else's as a HEAD", () => {
    for (const { ua } of FETCHERS) expect(classifyClick("HEAD", new Headers({ "user-agent": ua })), ua).toEqual({ kind: "preview", reason: "preview-fetcher" });
    for (const { ua } of PEOPLE) expect(classifyClick("HEAD", new Headers({ "user-agent": ua })), ua).toEqual({ kind: "preview", reason: "head" });
  });

  it.each([
    "curl/8.5.0",
    "python-requests/2.31.0",
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    "Go-http-client/1.1",
  ])("reports %s as a bot known to isbot", (ua) => {
    expect(get({ "user-agent": ua })).toEqual({ kind: "bot", reason: "isbot" });
  });

  it("reports a request without a user agent as a bot", () => {
    expect(get({})).toEqual({ kind: "bot", reason: "no-user-agent" });
    expect(get({ "user-agent": "   " })).toEqual({ kind: "bot", reason: "no-user-agent" });
  });

  it("puts HEAD before prefetch before preview fetchers before isbot", () => {
    expect(classifyClick("HEAD", new Headers({ "user-agent": "curl/8.5.0", "sec-purpose": "prefetch" })).reason).toBe("head");
    expect(get({ "user-agent": "Twitterbot/1.0", "sec-purpose": "prefetch" }).reason).toBe("prefetch");
  });
});
