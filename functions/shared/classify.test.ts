import { describe, expect, it } from "vitest";
import { classifyClick } from "./classify.ts";

const CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36";
const IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";
const get = (headers: Record<string, string>) => classifyClick("GET", new Headers(headers));

describe("classifyClick", () => {
  it("takes browsers for humans", () => {
    expect(get({ "user-agent": CHROME })).toEqual({ kind: "human", reason: null });
    expect(get({ "user-agent": IPHONE })).toEqual({ kind: "human", reason: null });
  });

  it("takes in-app browsers of social apps for humans, not for their preview fetchers", () => {
    for (const ua of [
      `${IPHONE} [Pinterest/iOS]`,
      `${IPHONE} [LinkedInApp]/9.29`,
      "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [FBAN/FBIOS;FBAV/470.0]",
    ]) expect(get({ "user-agent": ua })).toEqual({ kind: "human", reason: null });
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

  it.each([
    "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
    "Slackbot 1.0 (+https://api.slack.com/robots)",
    "Twitterbot/1.0",
    "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
    "facebookexternalhit/1.1 Facebot Twitterbot/1.0", // iMessage
    "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)",
    "WhatsApp/2.23.20.0",
    "TelegramBot (like TwitterBot)",
    "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/13.1.1 Safari/605.1.15 (Applebot/0.1; +http://www.apple.com/go/applebot)",
    "Mozilla/5.0 (Windows NT 6.1; WOW64) SkypeUriPreview Preview/0.5",
    "http.rb/5.1.1 (Mastodon/4.2.0; +https://mastodon.social/)",
  ])("reports the link-preview fetcher %s as a preview, not a bot", (ua) => {
    expect(get({ "user-agent": ua })).toEqual({ kind: "preview", reason: "preview-fetcher" });
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
