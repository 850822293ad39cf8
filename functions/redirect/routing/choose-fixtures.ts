/**
 * What the tests of chooseDestination share (choose.test.ts, choose-conditions.test.ts): user agents of each
 * device and browser, a fixed instant, and a link with one rule of given conditions. Test-only: nothing of the
 * Worker imports it. One object, so its short names stay local to the tests that destructure it.
 */
import type { Condition } from "../../api/links/routing-schemas.ts";
import { chooseDestination, type RoutedLink, type RoutingVisit } from "./index.ts";

const UA = {
  iphone: "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
  android: "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36",
  windowsEdge: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0",
  windowsChrome: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
  macSafari: "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15",
  linuxFirefox: "Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0",
  chromebook: "Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
  opera: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 OPR/111.0.0.0",
  androidStock: "Mozilla/5.0 (Linux; U; Android 4.0.3; ko-kr; LG-L160L Build/IML74K) AppleWebKit/534.30 (KHTML, like Gecko) Version/4.0 Mobile Safari/534.30",
  curl: "curl/8.5.0",
};

const NOW = Date.UTC(2026, 11, 1, 12);
const HIT = "https://hit.example/";
const BASE = "https://base.example/";

/** A link with one rule of the given conditions. */
const ruled = (...conditions: Condition[]): RoutedLink => ({ url: BASE, rules: [{ url: HIT, conditions }] });
const visit = (v: Partial<RoutingVisit> = {}): RoutingVisit => ({ now: NOW, ...v });
const served = (link: RoutedLink, v: Partial<RoutingVisit> = {}) => chooseDestination(link, visit(v)).url;
const c = (type: Condition["type"], matchValue: string | null, matchKey: string | null = null) => ({ type, matchKey, matchValue }) as Condition;

export const chooseFixtures = { UA, NOW, HIT, BASE, ruled, visit, served, c };
