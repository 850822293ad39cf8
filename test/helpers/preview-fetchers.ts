/**
 * User agents of link-preview fetchers, each as the page named beside it documents it (docs/previews.md lists
 * the same), and of people: browsers, and the in-app browsers of the same apps, which must not pass for their
 * fetchers. Shared by the classifier's unit test and the redirect's tests of the card.
 */

export interface Fetcher {
  network: string;
  ua: string;
  source: string;
}

export const FETCHERS: readonly Fetcher[] = [
  { network: "Slack", ua: "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)", source: "https://docs.slack.dev/messaging/unfurling-links-in-messages" },
  { network: "Slack (image proxy)", ua: "Slack-ImgProxy 1.0 (+https://api.slack.com/robots)", source: "https://myog.social/bots/slackbot" },
  { network: "X", ua: "Twitterbot/1.0", source: "https://developer.x.com/en/docs/x-for-websites/cards/guides/getting-started#crawling" },
  { network: "Facebook, Messenger, Instagram, Threads", ua: "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)", source: "https://developers.facebook.com/docs/sharing/webmasters/web-crawlers/" },
  { network: "Meta (fetch on a person's request)", ua: "meta-externalfetcher/1.1 (+https://developers.facebook.com/docs/sharing/webmasters/crawler)", source: "https://developers.facebook.com/docs/sharing/webmasters/web-crawlers/" },
  {
    network: "iMessage",
    ua: "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_11_1) AppleWebKit/601.2.4 (KHTML, like Gecko) Version/9.0.1 Safari/601.2.4 facebookexternalhit/1.1 Facebot Twitterbot/1.0",
    source: "https://peter.upfold.org.uk/blog/2019/02",
  },
  { network: "LinkedIn", ua: "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)", source: "https://myog.social/bots/linkedinbot" },
  { network: "WhatsApp", ua: "WhatsApp/2.23.18.78 i", source: "https://opengraphplus.com/consumers/whatsapp/crawling" },
  { network: "Signal (on the sender's device, through Signal's proxy)", ua: "WhatsApp/2", source: "https://opengraphplus.com/consumers/signal" },
  { network: "Discord", ua: "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)", source: "https://plainsignal.com/agents/discordbot" },
  { network: "Telegram", ua: "TelegramBot (like TwitterBot)", source: "https://github.com/monperrus/crawler-user-agents (crawler-user-agents.json)" },
  { network: "Microsoft Teams, Skype", ua: "Mozilla/5.0 (Windows NT 6.1; WOW64) SkypeUriPreview Preview/0.5", source: "https://opengraphplus.com/consumers/teams/crawling" },
  {
    network: "Microsoft Teams, Outlook, Copilot",
    ua: "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; MicrosoftPreview/2.0; +https://aka.ms/MicrosoftPreview) Chrome/126.0.0.0 Safari/537.36",
    source: "https://datadome.co/bots/microsoft-preview/",
  },
  { network: "Viber", ua: "Viber/20.9.0.8 CFNetwork/1410.0.3 Darwin/22.6.0", source: "http://bot-guard.ru/user-agent/916" },
  { network: "LINE", ua: "facebookexternalhit/1.1;line-poker/1.0", source: "https://pastebin.com/MHLPZCNY (LINE reads Open Graph: https://developers.line.biz/ja/faq/#how-are-the-url-previews-generated)" },
  { network: "KakaoTalk", ua: "facebookexternalhit/1.1;kakaotalk-scrap/1.0; +https://devtalk.kakao.com/t/scrap/33984", source: "https://pastebin.com/MHLPZCNY" },
  { network: "Mastodon", ua: "http.rb/5.1.1 (Mastodon/4.2.10; +https://mastodon.social/)", source: "https://github.com/mastodon/mastodon/blob/main/app/lib/request.rb (user_agent)" },
  { network: "Bluesky", ua: "Mozilla/5.0 (compatible; Bluesky Cardyb/1.1; +mailto:support@bsky.app)", source: "https://github.com/bluesky-social/social-app (cardyb, the card service)" },
  { network: "Pinterest", ua: "Pinterest/0.2 (+https://www.pinterest.com/bot.html)", source: "https://help.pinterest.com/en/business/article/pinterest-crawler" },
  { network: "Pinterest (Pinterestbot)", ua: "Mozilla/5.0 (compatible; Pinterestbot/1.0; +https://www.pinterest.com/bot.html)", source: "https://help.pinterest.com/en/business/article/pinterest-crawler" },
  { network: "Reddit", ua: "Mozilla/5.0 (compatible; redditbot/1.0; +http://www.reddit.com/feedback)", source: "https://opengraphplus.com/consumers/reddit/crawling" },
  { network: "Embedly (Reddit's card service)", ua: "Mozilla/5.0 (compatible; Embedly/0.2; +http://support.embed.ly/)", source: "https://opengraphplus.com/consumers/reddit/crawling" },
  { network: "Iframely (embeds for many apps)", ua: "Iframely/1.3.1 (+https://iframely.com/docs/about)", source: "https://iframely.com/docs/about" },
  { network: "Google Chat", ua: "Google-Chat/1.0", source: "https://opengraphplus.com/consumers/googlechat" },
  { network: "Mattermost", ua: "Mattermost-Bot/1.1", source: "https://forum.mattermost.com/t/link-previews-managed-server-side-in-v5-12-and-later/7712 (server-side previews; the server's HTTP client names itself so)" },
  { network: "Snapchat", ua: "Snap URL Preview Service; bot; snapchat; https://developers.snap.com/robots", source: "https://crawlerdex.tn3w.dev/Snap-URL-Preview-Service" },
  {
    network: "Apple (Applebot)",
    ua: "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/13.1.1 Safari/605.1.15 (Applebot/0.1; +http://www.apple.com/go/applebot)",
    source: "https://support.apple.com/en-us/119829",
  },
];

const IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko)";
const ANDROID = "Mozilla/5.0 (Linux; Android 14; Pixel 8 Build/AP2A.240805.005; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/127.0.6533.103 Mobile Safari/537.36";

/** People: browsers, and in-app browsers of the apps above (a person following the link inside the app). */
export const PEOPLE: readonly { who: string; ua: string }[] = [
  { who: "Chrome", ua: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36" },
  { who: "Safari on iPhone", ua: `${IPHONE} Version/17.5 Mobile/15E148 Safari/604.1` },
  { who: "Firefox", ua: "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0" },
  { who: "Facebook's in-app browser (iOS)", ua: `${IPHONE} Mobile/15E148 [FBAN/FBIOS;FBAV/470.0.0.37.104;FBBV/623424470;FBDV/iPhone15,2;FBMD/iPhone;FBSN/iOS;FBSV/17.5;FBSS/3;FBCR/;FBID/phone;FBLC/en_US;FBOP/80]` },
  { who: "Facebook's in-app browser (Android)", ua: `${ANDROID} [FB_IAB/FB4A;FBAV/470.0.0.43.108;]` },
  { who: "Instagram's in-app browser", ua: `${IPHONE} Mobile/15E148 Instagram 334.0.4.32.98 (iPhone15,2; iOS 17_5; en_US; en; scale=3.00; 1179x2556; 606458012)` },
  { who: "LinkedIn's in-app browser", ua: `${IPHONE} Mobile/15E148 [LinkedInApp]/9.29.6474` },
  { who: "Pinterest's in-app browser", ua: `${IPHONE} Mobile/15E148 [Pinterest/iOS]` },
  { who: "LINE's in-app browser", ua: `${IPHONE} Mobile/15E148 Safari Line/13.6.1` },
  { who: "X's in-app browser", ua: `${IPHONE} Mobile/15E148 Twitter for iPhone/10.51` },
  { who: "KakaoTalk's in-app browser", ua: `${IPHONE} Mobile/15E148 KAKAOTALK 10.4.5` },
  { who: "Snapchat's in-app browser", ua: `${IPHONE} Mobile/15E148 Snapchat/13.0.0.35 (like Safari/8617.2.4.10.8, panda)` },
];
