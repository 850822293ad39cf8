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
 * Link-preview fetchers: chat apps and social networks that fetch a shared link to draw a card. Checked before
 * isbot, which matches most of them too, so they are reported as previews rather than crawlers. iMessage sends
 * "facebookexternalhit/1.1 Facebot Twitterbot/1.0"; Teams and Skype send "SkypeUriPreview". Names are specific
 * enough not to match the in-app browsers of the same apps (e.g. "[Pinterest/iOS]", "LinkedInApp").
 */
const PREVIEW_FETCHERS = new RegExp(
  [
    "Slackbot-LinkExpanding", "Slack-ImgProxy", "Slackbot", "Twitterbot", "facebookexternalhit", "Facebot",
    "meta-externalfetcher", "Discordbot", "WhatsApp", "TelegramBot", "LinkedInBot", "Applebot", "SkypeUriPreview",
    "MicrosoftPreview", "redditbot", "Pinterestbot", "Pinterest/0.", "Embedly", "Iframely", "vkShare",
    "KakaoTalk-Scrap", "Mastodon/", "Bluesky Cardyb", "Snap URL Preview", "Zoombot", "Mattermost-Bot", "Google-PageRenderer",
  ].map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|"),
  "i",
);

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
  if (method.toUpperCase() === "HEAD") return { kind: "preview", reason: "head" };
  if (isPrefetch(headers)) return { kind: "preview", reason: "prefetch" };
  // Every browser sends a user agent; a request without one is a script.
  if (!ua.trim()) return { kind: "bot", reason: "no-user-agent" };
  if (PREVIEW_FETCHERS.test(ua)) return { kind: "preview", reason: "preview-fetcher" };
  if (isbot(ua)) return { kind: "bot", reason: "isbot" };
  return { kind: "human", reason: null };
}
