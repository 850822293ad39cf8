/** Unit test of the QR codes: decoded back, the PNG has the quiet zone and finder patterns a reader needs. */
import { decode } from "fast-png";
import { describe, expect, it } from "vitest";
import { qrPng, qrSvg } from "./qr-code.ts";

describe("QR codes", () => {
  it("draws a PNG with a quiet zone and finder patterns, and an SVG", () => {
    const png = decode(qrPng("https://sho.rt/abc1234"));
    expect(png.width).toBe(png.height);
    expect(png.channels).toBe(1);
    const modules = png.width / 8;
    const at = (mx: number, my: number) => png.data[(my * 8 + 4) * png.width + mx * 8 + 4];
    expect(at(0, 0)).toBe(255); // quiet zone
    // The three finder patterns (7x7, 4 modules in): dark rim, light ring, dark centre.
    for (const [x, y] of [[4, 4], [modules - 11, 4], [4, modules - 11]]) {
      expect([at(x, y), at(x + 1, y + 1), at(x + 3, y + 3), at(x + 6, y + 6)]).toEqual([0, 255, 0, 0]);
    }
    expect(qrSvg("https://sho.rt/abc1234")).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"[^>]*>.*<path/);
  });
});
