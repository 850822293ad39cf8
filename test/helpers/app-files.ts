/**
 * Domains' app-association files and QR logos for tests: sample files and logos (a PNG made with fast-png, a
 * plain SVG), arbitraries of valid and hostile values for the fuzz campaign and the property tests, and the
 * well-known requests as Apple's and Google's fetchers send them.
 */
import fc from "fast-check";
import { encode } from "fast-png";
import { qrLogoDataUrl } from "../../functions/shared/qr-logo.ts";
import { deepJson, hostileText } from "../fuzz-arbitraries.ts";
import { call } from "./worker.ts";

export const AASA_PATH = "/.well-known/apple-app-site-association";
export const ASSET_LINKS_PATH = "/.well-known/assetlinks.json";

/** An association file for `app`, with a key order JSON.parse keeps (no integer-like keys). */
export const aasaFor = (app: string) => ({ applinks: { details: [{ appIDs: [`ABCDE12345.${app}`], components: [{ "/": "/*", comment: `é ${app}` }] }] } });
export const assetLinksFor = (app: string) => [
  { relation: ["delegate_permission/common.handle_all_urls"], target: { namespace: "android_app", package_name: app, sha256_cert_fingerprints: ["14:6D:E9:83:C5:73:06:50"] } },
];

/** A `side`×`side` RGBA PNG of one colour. */
export function pngBytes(side = 16, colour: [number, number, number, number] = [200, 40, 40, 255]): Uint8Array {
  const data = new Uint8Array(side * side * 4);
  for (let i = 0; i < data.length; i += 4) data.set(colour, i);
  return encode({ width: side, height: side, data, channels: 4 });
}
export const pngLogo = (side = 16) => qrLogoDataUrl("image/png", pngBytes(side));
export const svgText = '<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><defs><linearGradient id="g"><stop offset="0" stop-color="#c00"/></linearGradient></defs><circle cx="5" cy="5" r="4" fill="url(#g)"/></svg>';
export const svgLogo = (text = svgText) => qrLogoDataUrl("image/svg+xml", new TextEncoder().encode(text));

/** Logos the API must refuse, each with the status it answers (400 not a data: URL, 413 too large, 422 not acceptable). */
export function badLogos(): { name: string; value: string; status: number }[] {
  const png = pngBytes(8);
  const broken = png.slice();
  broken[broken.length - 20] ^= 0xff;
  return [
    { name: "not a data: URL", value: "https://example.com/logo.png", status: 400 },
    { name: "a GIF", value: qrLogoDataUrl("image/gif", png), status: 400 },
    { name: "base64 with a bad length", value: "data:image/png;base64,iVBORw0KGgo", status: 400 },
    { name: "not a PNG", value: qrLogoDataUrl("image/png", new TextEncoder().encode("GIF89a not a png at all, really")), status: 422 },
    { name: "a broken PNG", value: qrLogoDataUrl("image/png", broken), status: 422 },
    { name: "a truncated PNG", value: qrLogoDataUrl("image/png", png.subarray(0, png.length - 16)), status: 422 },
    { name: "a PNG of 1,025 px a side", value: qrLogoDataUrl("image/png", encode({ width: 1025, height: 1, data: new Uint8Array(1025 * 4), channels: 4 })), status: 422 },
    { name: "a PNG past 64 KB", value: qrLogoDataUrl("image/png", noisyPng(160)), status: 413 },
    { name: "an SVG with a script", value: svgLogo('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'), status: 422 },
    { name: "an SVG with an event handler", value: svgLogo('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>'), status: 422 },
    { name: "an SVG with foreignObject", value: svgLogo('<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><div/></foreignObject></svg>'), status: 422 },
    { name: "an SVG loading an image", value: svgLogo('<svg xmlns="http://www.w3.org/2000/svg"><image href="https://example.com/t.png"/></svg>'), status: 422 },
    { name: "an SVG that is HTML", value: svgLogo("<html><body>hi</body></html>"), status: 422 },
    { name: "an SVG that is not UTF-8", value: qrLogoDataUrl("image/svg+xml", new Uint8Array([0x3c, 0x73, 0x76, 0x67, 0xff, 0xfe, 0x3e])), status: 422 },
  ];
}

/** A PNG that does not compress (pseudo-random pixels, the same every time): `side`² × 4 bytes, about. */
export function noisyPng(side: number): Uint8Array {
  const data = new Uint8Array(side * side * 4);
  let x = 2463534242;
  for (let i = 0; i < data.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    data[i] = x & 0xff;
  }
  return encode({ width: side, height: side, data, channels: 4 });
}

/** A JSON object whose JSON text is `bytes` long (ASCII). */
export const objectOfBytes = (bytes: number) => ({ pad: "x".repeat(bytes - '{"pad":""}'.length) });

// Arbitraries: mostly valid values (so that some requests succeed), else values of the wrong shape or size.
const aasaValid = fc.oneof(
  fc.string({ minLength: 1, maxLength: 20 }).map((s) => aasaFor(`com.fz.${s}`)),
  fc.dictionary(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
);
const linksValid = fc.oneof(
  fc.string({ minLength: 1, maxLength: 20 }).map((s) => assetLinksFor(`com.fz.${s}`)),
  fc.array(fc.dictionary(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }), { minLength: 1, maxLength: 3 }),
);
/** Past the 64 KB limit, at it, deep enough to exhaust a recursive serializer, or raw JSON text. */
const bulky = fc.oneof(
  fc.constantFrom(65_536, 65_537, 200_000).map(objectOfBytes),
  fc.constantFrom(65_536, 65_537).map((n) => [objectOfBytes(n - 2)]),
  deepJson.map((t) => ({ __raw: t })),
);
export const aasaValue = fc.oneof(
  { weight: 6, arbitrary: aasaValid },
  { weight: 2, arbitrary: fc.oneof(fc.jsonValue({ maxDepth: 2 }), linksValid, hostileText) },
  { weight: 1, arbitrary: bulky },
  { weight: 1, arbitrary: fc.constant(null) },
);
export const assetLinksValue = fc.oneof(
  { weight: 6, arbitrary: linksValid },
  { weight: 2, arbitrary: fc.oneof(fc.jsonValue({ maxDepth: 2 }), aasaValid, fc.constant([]), fc.array(fc.oneof(fc.integer(), hostileText), { minLength: 1, maxLength: 3 })) },
  { weight: 1, arbitrary: bulky },
  { weight: 1, arbitrary: fc.constant(null) },
);
export const qrLogoValue = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(pngLogo(), svgLogo()) },
  { weight: 4, arbitrary: fc.constantFrom(...badLogos().map((l) => l.value)) },
  { weight: 2, arbitrary: fc.oneof(hostileText, hostileText.map((t) => `data:image/png;base64,${t}`), fc.base64String().map((b) => `data:image/svg+xml;base64,${b}`)) },
  { weight: 1, arbitrary: fc.constant(null) },
);

/**
 * JSON text of a body with the app-file fields, as jsonText writes bodies (raw number literals included),
 * and a `{__raw: text}` value written as that raw JSON text (a nesting deeper than JSON.stringify could write).
 */
export function bodyText(body: Record<string, unknown>): string {
  const raws: string[] = [];
  const text = JSON.stringify(body, (_k, v) => {
    if (v && typeof v === "object" && typeof (v as { __raw?: unknown }).__raw === "string") {
      raws.push((v as { __raw: string }).__raw);
      return `\u0002raw${raws.length - 1}\u0002`;
    }
    return v;
  });
  return text.replace(/"\\u0001num:([^"\\]*)\\u0001"/g, "$1").replace(/"\\u0002raw(\d+)\\u0002"/g, (_m, i) => raws[Number(i)]);
}

/** A well-known file on `host` as Apple's CDN or Android's verifier asks for it: no credentials. */
export const wellKnown = (host: string, path: string, settings?: Record<string, string>) =>
  call("GET", `http://${host}${path}`, { key: null, headers: { "user-agent": "AASA-Bot/1.0.0" }, settings });
