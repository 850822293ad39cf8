import { describe, expect, it } from "vitest";
import { parseUserAgent } from "../../ingest/enrich.ts";
import { uaClasses } from "./user-agent.ts";

/** user agent, devices routing sees, browser routing sees. */
const CORPUS: [string, string[], string | null][] = [
  ["Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36", ["windows", "desktop"], "chrome"],
  ["Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0", ["windows", "desktop"], "edge"],
  ["Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 OPR/111.0.0.0", ["windows", "desktop"], "opera"],
  ["Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:127.0) Gecko/20100101 Firefox/127.0", ["windows", "desktop"], "firefox"],
  ["Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15", ["macos", "desktop"], "safari"],
  ["Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36", ["macos", "desktop"], "chrome"],
  ["Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0", ["linux", "desktop"], "firefox"],
  ["Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0", ["linux", "desktop"], "firefox"],
  ["Mozilla/5.0 (X11; Fedora; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0", ["linux", "desktop"], "firefox"],
  ["Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36", ["chromeos", "desktop"], "chrome"],
  ["Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1", ["ios", "mobile"], "safari"],
  ["Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1", ["ios", "mobile"], "safari"],
  ["Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/126.0.6478.54 Mobile/15E148 Safari/604.1", ["ios", "mobile"], "chrome"],
  ["Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) FxiOS/127.0 Mobile/15E148 Safari/605.1.15", ["ios", "mobile"], "firefox"],
  ["Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36", ["android", "mobile"], "chrome"],
  ["Mozilla/5.0 (Linux; Android 14; Pixel 8 Build/AP2A; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/126.0.0.0 Mobile Safari/537.36", ["android", "mobile"], "chrome"],
  ["Mozilla/5.0 (Linux; Android 10; HD1913) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36 EdgA/126.0.0.0", ["android", "mobile"], "edge"],
  ["Mozilla/5.0 (Android 14; Mobile; rv:127.0) Gecko/127.0 Firefox/127.0", ["android", "mobile"], "firefox"],
  ["Mozilla/5.0 (Linux; U; Android 4.0.3; ko-kr; LG-L160L Build/IML74K) AppleWebKit/534.30 (KHTML, like Gecko) Version/4.0 Mobile Safari/534.30", ["android", "mobile"], "android_browser"],
  ["Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36", ["android", "mobile"], null],
  ["Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36", ["android", "mobile"], "chrome"],
  ["Mozilla/5.0 (Mobile; Windows Phone 8.1; Android 4.0; ARM; Trident/7.0; Touch; rv:11.0; IEMobile/11.0; NOKIA; Lumia 635) like iPhone OS 7_0_3 Mac OS X AppleWebKit/537 (KHTML, like Gecko) Mobile Safari/537", ["mobile"], null],
  ["curl/8.5.0", [], null],
  ["", [], null],
  ["\u0000<script>alert(1)</script>", [], null],
];

describe("device and browser from the user agent", () => {
  it.each(CORPUS)("%s", (ua, devices, browser) => {
    const got = uaClasses(ua);
    expect([...got.devices].sort()).toEqual([...devices].sort());
    expect(got.browser).toBe(browser);
  });

  it("agree with the ingest's device column on the corpus: desktop is desktop, mobile is a phone or a tablet", () => {
    for (const [ua] of CORPUS) {
      const ingest = parseUserAgent(ua || null);
      const routing = uaClasses(ua).devices;
      if (routing.has("desktop")) expect(ingest.device, ua).toBe("desktop");
      if (routing.has("mobile")) expect(["mobile", "tablet"], ua).toContain(ingest.device);
      if (ingest.device === null) expect(routing.size, ua).toBe(0);
    }
  });

  it("agree with the ingest's browser column: each routing browser is one ingest name family", () => {
    const families: Record<string, RegExp> = {
      chrome: /^(Mobile )?Chrome( WebView| Headless)?$|^Chromium$/, firefox: /Firefox/, edge: /^Edge$/, safari: /^(Mobile )?Safari$/,
      opera: /^Opera/, android_browser: /^Android Browser$/,
    };
    for (const [ua] of CORPUS) {
      const b = uaClasses(ua).browser;
      const name = parseUserAgent(ua || null).browser;
      if (b) expect(name, ua).toMatch(families[b]);
      else expect(Object.values(families).some((re) => name !== null && re.test(name)), ua).toBe(false);
    }
  });

  it("answers a very long or repeated user agent without growing without bound", () => {
    const long = `${CORPUS[0][0]} ${"x".repeat(100_000)}`;
    expect(uaClasses(long).browser).toBe("chrome");
    for (let i = 0; i < 3000; i++) uaClasses(`bot-${i}`);
    expect(uaClasses(CORPUS[4][0]).browser).toBe("safari");
  });
});
