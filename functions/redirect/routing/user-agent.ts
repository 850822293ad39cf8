/**
 * Device and browser of a visitor, in the vocabulary of routing conditions, from the same parser the ingest
 * uses for the clicks' device and browser columns (ua-parser-js, functions/ingest/enrich.ts), so a rule and the
 * stats never disagree about what a visitor was. Only called when a link has a device or browser condition.
 *
 * Devices follow Shlink: the operating system decides (an Android tablet is `android` and `mobile`, a Mac
 * `macos` and `desktop`); a mobile OS of no named family (Windows Phone, KaiOS...) is `mobile` alone.
 */
import UAParser from "ua-parser-js";
import type { Browser, Device } from "../../shared/routing-conditions.ts";

export interface UaClasses {
  devices: ReadonlySet<Device>;
  browser: Browser | null;
}

const LINUX = new Set([
  "linux", "ubuntu", "kubuntu", "xubuntu", "lubuntu", "debian", "suse", "opensuse", "gentoo", "arch", "slackware",
  "fedora", "mandriva", "centos", "pclinuxos", "red hat", "redhat", "zenwalk", "linpus", "raspbian", "deepin",
  "manjaro", "elementary os", "sabayon", "linspire", "mint",
]);

function devicesOf(os: string, type: string): Device[] {
  if (os === "ios") return ["ios", "mobile"];
  if (os === "android") return ["android", "mobile"];
  if (type === "mobile" || type === "tablet") return ["mobile"];
  if (os === "windows") return ["windows", "desktop"];
  if (os === "mac os" || os === "macos") return ["macos", "desktop"];
  if (os === "chromium os" || os === "chrome os") return ["chromeos", "desktop"];
  if (LINUX.has(os)) return ["linux", "desktop"];
  return [];
}

function browserOf(name: string): Browser | null {
  switch (name) {
    case "chrome": case "mobile chrome": case "chrome webview": case "chrome headless": case "chromium":
      return "chrome";
    case "firefox": case "mobile firefox": case "firefox focus": case "firefox reality":
      return "firefox";
    case "edge":
      return "edge";
    case "safari": case "mobile safari":
      return "safari";
    case "android browser":
      return "android_browser";
    default:
      return name.startsWith("opera") ? "opera" : null;
  }
}

const NONE: UaClasses = { devices: new Set(), browser: null };
/** ua-parser-js looks at this many characters; a longer header is not a browser's. */
const MAX_UA = 512;

function parse(ua: string): UaClasses {
  try {
    const r = new UAParser(ua).getResult();
    const os = (r.os.name ?? "").toLowerCase();
    return { devices: new Set(devicesOf(os, r.device.type ?? "")), browser: browserOf((r.browser.name ?? "").toLowerCase()) };
  } catch {
    return NONE;
  }
}

// Isolate-lifetime memo: parsing costs tens of µs and real traffic repeats a few hundred user agents. Bounded
// (cleared whole when full), so a client sending a new user agent on every request costs a parse, not memory.
const MEMO_MAX = 1000;
const memo = new Map<string, UaClasses>();

export function uaClasses(userAgent: string): UaClasses {
  if (!userAgent) return NONE;
  const ua = userAgent.length > MAX_UA ? userAgent.slice(0, MAX_UA) : userAgent;
  let hit = memo.get(ua);
  if (!hit) {
    hit = parse(ua);
    if (memo.size >= MEMO_MAX) memo.clear();
    memo.set(ua, hit);
  }
  return hit;
}
