/**
 * GET /api/v1/links/{slug}/qr (issue 29): every PNG the route draws here is read back by an independent
 * reader (fast-png, then jsQR; helpers/qr.ts) and must give the link's shortUrl: every size class (64 px,
 * a mid size, 2,048 px), every error-correction level, margins 0 to 16, coloured and transparent grounds,
 * and each kind of PNG logo, which must also really be drawn in the middle. A property test draws arbitrary
 * styling choices: each accepted one scans, each refused one is a 422 naming the right parameters. SVG
 * codes are rasterised and read in Chromium (test/browser/qr.browser.ts): this runtime has no renderer.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { contrastRatio, MIN_QR_CONTRAST, parseHexColor, relativeLuminance } from "../functions/qr/colors.ts";
import { createLink } from "./helpers/api.ts";
import { DomainFixtures, setQrLogo } from "./helpers/domains.ts";
import { decodeQrPng, pngDataUrl, pngPixels, readQrPng, testLogos } from "./helpers/qr.ts";
import { call } from "./helpers/worker.ts";

const fixtures = new DomainFixtures();
afterAll(() => fixtures.cleanup());

type Query = Record<string, string | number | boolean>;
const qs = (q: Query) => new URLSearchParams(Object.entries(q).map(([k, v]) => [k, String(v)])).toString();
const qr = (link: { slug: string; domain: string }, q: Query = {}, headers: Record<string, string> = {}) =>
  call("GET", `/api/v1/links/${link.slug}/qr?${qs({ domain: link.domain, ...q })}`, { headers });

/** The PNG of `q` must be `size` square and scan as the link's short URL over `surface`. */
async function expectScans(link: { slug: string; domain: string; shortUrl: string }, q: Query, surface?: string): Promise<Uint8Array> {
  const res = await qr(link, q);
  expect(res.status, `${qs(q)}: ${res.status === 200 ? "" : await res.clone().text()}`).toBe(200);
  expect(res.headers.get("content-type")).toBe("image/png");
  const png = new Uint8Array(await res.arrayBuffer());
  const { width, height } = pngPixels(png);
  expect([width, height]).toEqual([Number(q.size ?? 512), Number(q.size ?? 512)]);
  expect(readQrPng(png, surface), qs(q)).toBe(link.shortUrl);
  return png;
}

/** A link on the default domain with a short slug, so its code fits 64 px at every level with a thin margin. */
let small: { slug: string; domain: string; shortUrl: string; id: string };
beforeAll(async () => {
  small = await createLink({ url: "https://example.com/qr-small", slug: `q${crypto.randomUUID().slice(0, 6)}` });
  fixtures.links.add(small.id);
});

describe("sizes, levels and margins", () => {
  it("draws every level at 64 px, a mid size and 2,048 px, each module whole pixels, the leftover split around the code", async () => {
    for (const ecc of ["L", "M", "Q", "H"]) {
      await expectScans(small, { size: 64, margin: 1, ecc });
      for (const size of [333, 2048]) {
        const png = await expectScans(small, { size, ecc });
        // Whole pixels per module, the leftover split on both sides: the top-left finder pattern's dark
        // top edge starts where the arithmetic says and is exactly 7 modules long.
        const symbol = 17 + 4 * decodeQrPng(png)!.version;
        const scale = Math.floor(size / (symbol + 8));
        const start = Math.floor((size - (symbol + 8) * scale) / 2) + 4 * scale;
        const { rgba } = pngPixels(png);
        const dark = (x: number) => rgba[(start * size + x) * 4] === 0;
        const row = Array.from({ length: 7 * scale + 2 }, (_, i) => dark(start - 1 + i));
        expect(row, `${size} ${ecc}`).toEqual([false, ...Array(7 * scale).fill(true), false]);
      }
    }
  });

  it("keeps the quiet zone asked for, from none to 16 modules", async () => {
    for (const margin of [0, 2, 4, 16]) await expectScans(small, { size: 600, margin });
  });
});

describe("colours", () => {
  it("draws coloured pairs, and transparent or half-transparent grounds that scan over the surface they name", async () => {
    for (const [fg, bg] of [["#1a237e", "#fff8e1"], ["8b0000", "ffd700"], ["#005f3f", "#E0F7EF"], ["#000000", "#767676"]]) {
      await expectScans(small, { size: 300, fg, bg, ecc: "Q" });
    }
    const clear = await expectScans(small, { size: 300, bg: "#ffffff00" });
    expect(pngPixels(clear, "#00ff00").rgba.slice(0, 4)).toEqual(new Uint8ClampedArray([0, 255, 0, 255])); // the quiet zone lets the surface through
    await expectScans(small, { size: 300, fg: "#3e2723", bg: "#ffecb380" }, "#ffecb3");
  });
});

describe("logos", () => {
  /** A link on a fresh domain whose qrLogo is `dataUrl`. */
  async function linkWithLogo(dataUrl: string) {
    const { hostname } = await fixtures.add();
    await setQrLogo(hostname, dataUrl);
    return createLink({ url: "https://example.com/qr-logo", domain: hostname });
  }

  it("draws each PNG kind (RGBA, palette, grey, 16-bit RGB) in the middle at level H, and the code still scans", async () => {
    for (const [kind, logo] of Object.entries(testLogos)) {
      const link = await linkWithLogo(pngDataUrl(logo.png));
      for (const size of [200, 512]) {
        const res = await qr(link, { size, logo: true, ecc: "L" });
        expect(res.headers.get("x-qr-logo")).toBe("image/png");
        const png = await expectScans(link, { size, logo: true, ecc: "L" });
        const { rgba } = pngPixels(png);
        const centre = ((size >> 1) * size + (size >> 1)) * 4;
        expect([...rgba.slice(centre, centre + 3)].map((v, i) => Math.abs(v - logo.centre[i]) <= 3), `${kind} at ${size}`).toEqual([true, true, true]);
      }
      // Not asked for: no logo, but the header says the domain has one.
      const plain = await qr(link, { size: 200 });
      expect(plain.headers.get("x-qr-logo")).toBe("image/png");
      expect(readQrPng(new Uint8Array(await plain.arrayBuffer()))).toBe(link.shortUrl);
    }
  });

  it("draws a logo at 2,048 px, and on a transparent ground (its own alpha over the surface)", async () => {
    const link = await linkWithLogo(pngDataUrl(testLogos.rgba.png));
    await expectScans(link, { size: 2048, logo: true });
    const png = await expectScans(link, { size: 400, logo: true, bg: "#ffffff00" });
    // The disc's transparent corner shows the surface, its centre is red.
    const { rgba } = pngPixels(png, "#00ff00");
    expect([...rgba.slice((200 * 400 + 200) * 4, (200 * 400 + 200) * 4 + 3)]).toEqual([255, 0, 0]);
  });
});

describe("caching", () => {
  it("answers private, no-cache with an ETag; the same ETag gets a 304 without a body, another choice another ETag", async () => {
    const res = await qr(small, { size: 128, margin: 2 });
    expect(res.headers.get("cache-control")).toBe("private, no-cache");
    const etag = res.headers.get("etag")!;
    expect(etag).toMatch(/^"[0-9a-f]{24}"$/);
    expect(readQrPng(new Uint8Array(await res.arrayBuffer()))).toBe(small.shortUrl);
    const again = await qr(small, { size: 128, margin: 2 }, { "if-none-match": `W/${etag}, "other"` });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");
    expect((await qr(small, { size: 128, margin: 3 })).headers.get("etag")).not.toBe(etag);
  });
});

// ---------------------------------------------------------------------------------------------------------

/** The symbol's side at each level for `small`'s URL, read by jsQR from a large code (version 4k+17). */
const symbolSides: Record<string, number> = {};

describe("any styling", () => {
  beforeAll(async () => {
    for (const ecc of ["L", "M", "Q", "H"]) {
      const res = await qr(small, { size: 1024, margin: 0, ecc });
      symbolSides[ecc] = 17 + 4 * decodeQrPng(new Uint8Array(await res.arrayBuffer()))!.version;
    }
  });

  const hex = fc.integer({ min: 0, max: 0xffffff }).map((n) => n.toString(16).padStart(6, "0"));
  // Colours near each other's luminance often enough to meet the contrast rule from both sides.
  const styling = fc.record({
    size: fc.oneof(fc.integer({ min: 64, max: 160 }), fc.integer({ min: 160, max: 640 })),
    margin: fc.integer({ min: 0, max: 16 }),
    ecc: fc.constantFrom("L", "M", "Q", "H"),
    fg: fc.oneof(hex, fc.constantFrom("000000", "1a237e", "444444")).map((h) => `#${h}`),
    bg: fc.tuple(fc.oneof(hex, fc.constantFrom("ffffff", "fff8e1", "cccccc")), fc.constantFrom("", "", "", "00", "80", "ff")).map(([h, a]) => `#${h}${a}`),
  });

  it("scans whenever accepted; a refusal is a 422 naming exactly the parameters that broke a rule", async () => {
    const seen = { drawn: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(styling, async (s) => {
        const res = await qr(small, s);
        const [fg, bg] = [parseHexColor(s.fg), parseHexColor(s.bg)];
        const ratio = contrastRatio(fg, bg);
        const badColours = relativeLuminance(fg) >= relativeLuminance(bg) || ratio < MIN_QR_CONTRAST;
        const tooSmall = Math.floor(s.size / (symbolSides[s.ecc] + 2 * s.margin)) < 2;
        if (res.status === 200) {
          expect(badColours || tooSmall, JSON.stringify(s)).toBe(false);
          expect(readQrPng(new Uint8Array(await res.arrayBuffer()), s.bg.slice(0, 7)), JSON.stringify(s)).toBe(small.shortUrl);
          seen.drawn++;
          return;
        }
        expect(res.status, JSON.stringify(s)).toBe(422);
        expect(res.headers.get("content-type")).toBe("application/problem+json");
        const paths = ((await res.json()) as { errors: { path: string }[] }).errors.map((e) => e.path).sort();
        expect(paths, JSON.stringify(s)).toEqual([...(badColours ? ["bg", "fg"] : []), ...(tooSmall ? ["size"] : [])].sort());
        seen.refused++;
      }),
      { numRuns: 60 },
    );
    // The choices reach both sides of every rule often enough to judge it.
    expect(seen.drawn, JSON.stringify(seen)).toBeGreaterThanOrEqual(10);
    expect(seen.refused, JSON.stringify(seen)).toBeGreaterThanOrEqual(10);
  }, 120_000);
});
