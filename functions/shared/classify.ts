/**
 * Who clicked: a human, a bot, or a preview (something that fetched the link without a person following it).
 * Only humans count toward maxClicks and the "clicks" figures; bots and previews are kept apart with a reason.
 */
import { isbot } from "isbot";
import type { ClickKind } from "./click-event.ts";

export type ClickReason = "head" | "prefetch" | "preview-fetcher" | "isbot" | "no-user-agent";

export interface Classification {
  kind: ClickKind;
  /** Why it is not human; null for humans. */
  reason: ClickReason | null;
}

/**
 * Link-preview fetchers: chat apps and social networks that fetch a shared link to draw a card (docs/previews.md
 * lists each with the page that documents its user agent). Checked before isbot, which matches most of them
 * too, so they are reported as previews rather than crawlers, and a link with a preview card answers them with
 * it. The names are specific enough not to match the in-app browsers of the same apps ("[FBAN/FBIOS...]",
 * "[LinkedInApp]", "[Pinterest/iOS]", "Instagram 334.0...", "Line/13.6", "Twitter for iPhone", "KAKAOTALK"),
 * which are people: test/link-preview.happy.test.ts sends both.
 */
const FETCHER_NAMES = [
  // Slack: the unfurler, then its image proxy.
  "Slackbot-LinkExpanding", "Slack-ImgProxy", "Slackbot",
  // X. Telegram says "TelegramBot (like TwitterBot)".
  "Twitterbot", "TelegramBot",
  // Meta's crawler: Facebook, Messenger, Instagram, Threads; also sent by iMessage ("facebookexternalhit/1.1
  // Facebot Twitterbot/1.0"), LINE ("facebookexternalhit/1.1;line-poker/1.0") and KakaoTalk.
  "facebookexternalhit", "Facebot", "meta-externalfetcher",
  // WhatsApp's app ("WhatsApp/2.23.20.0"), and Signal, whose app fetches through its proxy as "WhatsApp/2".
  "WhatsApp",
  "LinkedInBot", "Discordbot", "Applebot",
  // Microsoft Teams and Skype; Teams, Outlook and Copilot.
  "SkypeUriPreview", "MicrosoftPreview",
  // Reddit, and Embedly which it hands the page to.
  "redditbot", "Embedly",
  "Pinterestbot", "Pinterest/0.", "Mastodon/", "Bluesky Cardyb", "Snap URL Preview", "Google-Chat", "Google-PageRenderer",
  "Mattermost-Bot", "Zoombot", "KakaoTalk-Scrap", "Iframely", "vkShare",
];
const escaped = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
/** Viber's app fetches as "Viber/20.9.0.8 CFNetwork/..." (a name that starts the string, unlike its in-app browser). */
const PREVIEW_FETCHERS = new RegExp([...FETCHER_NAMES.map(escaped), "^Viber/"].join("|"), "i");

const HEAD: Classification = Object.freeze({ kind: "preview", reason: "head" });
const FETCHER: Classification = Object.freeze({ kind: "preview", reason: "preview-fetcher" });

/** Speculative loads a browser makes before (or without) the user following the link. */
function isPrefetch(headers: Headers): boolean {
  const has = (name: string, word: string) => (headers.get(name) ?? "").toLowerCase().includes(word);
  return (
    has("sec-purpose", "prefetch") || // Chromium speculation rules / <link rel=prefetch>: "prefetch", "prefetch;prerender"
    has("purpose", "prefetch") || // older Chromium
    has("x-purpose", "preview") || // Safari top-sites previews
    has("x-moz", "prefetch") // Firefox
  );
}

/** `ua`: the User-Agent header, when the caller has read it already. */
export function classifyClick(method: string, headers: Headers, ua = headers.get("user-agent") ?? ""): Classification {
  // A fetcher's HEAD is the fetcher's: it gets the card's headers, as its GET gets the card.
  if (method.toUpperCase() === "HEAD") return PREVIEW_FETCHERS.test(ua) ? FETCHER : HEAD;
  if (isPrefetch(headers)) return { kind: "preview", reason: "prefetch" };
  // Every browser sends a user agent; a request without one is a script.
  if (!ua.trim()) return { kind: "bot", reason: "no-user-agent" };
  if (PREVIEW_FETCHERS.test(ua)) return FETCHER;
  if (isbot(ua)) return { kind: "bot", reason: "isbot" };
  return { kind: "human", reason: null };
}
