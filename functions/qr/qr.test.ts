/**
 * Unit tests of the QR drawing's parts: the contrast rule, the layout's arithmetic, every PNG kind a logo
 * may be, and the logo's scaling. That whole codes scan is proved by decoding them (test/qr.happy.test.ts).
 */
import { encode } from "fast-png";
import { describe, expect, it } from "vitest";
import { colorProblems, contrastRatio, parseHexColor } from "./colors.ts";
import { layoutQr, logoSquare, type QrLayout } from "./layout.ts";
import { decodeLogoPng, readStoredLogo, type RgbaImage } from "./logo.ts";
import { resizeLogo } from "./resample.ts";

const hex = parseHexColor;

describe("colours", () => {
  it("measures WCAG contrast and refuses low contrast and light-on-dark, naming fg and bg", () => {
    expect(contrastRatio(hex("#000000"), hex("#ffffff"))).toBeCloseTo(21, 5);
    expect(contrastRatio(hex("#777777"), hex("#ffffff"))).toBeCloseTo(4.48, 2);
    expect(colorProblems(hex("#1a237e"), hex("#fff8e1"))).toEqual([]);
    expect(colorProblems(hex("#aaaaaa"), hex("#ffffff")).map((e) => e.path)).toEqual(["fg", "bg"]);
    expect(colorProblems(hex("#ffffff"), hex("#000000"))[0].message).toMatch(/darker/);
    expect(hex("#FFFFFF80")).toEqual({ r: 255, g: 255, b: 255, a: 128 });
  });
});

describe("layout", () => {
  const layout = (size: number, margin: number, logo = false) => layoutQr({ text: "https://sho.rt/abc1234", ecc: "M", margin, size, logo });

  it("gives every module whole pixels and puts the leftover in the quiet zone, evenly", () => {
    const l = layout(100, 4) as QrLayout;
    expect(l.symbol).toBe(25); // version 2
    expect([l.side, l.scale, l.offset]).toEqual([33, 3, 0]);
    const big = layout(2048, 2) as QrLayout;
    expect([big.scale, big.offset]).toEqual([70, Math.floor((2048 - 29 * 70) / 2)]);
  });

  it("refuses a size under 2 pixels a module, saying the least size", () => {
    expect(layout(64, 4)).toEqual([{ path: "size", message: expect.stringContaining("at least 66 px") }]);
  });

  it("clears a centred square of whole data modules for a logo, at level H", () => {
    const l = layout(512, 4, true) as QrLayout;
    expect(l.symbol).toBe(29); // the same URL at H needs version 3
    expect([l.scale, l.offset, l.hole]).toEqual([13, 15, { from: 11, to: 18 }]);
    // 7 modules of 13 px, less half a module (6 px) on each side, after the offset, the margin and 11 modules.
    const at = 15 + 4 * 13 + 11 * 13 + 6;
    expect(logoSquare(l)).toEqual({ x: at, y: at, width: 7 * 13 - 12, height: 7 * 13 - 12 });
  });
});

describe("logos", () => {
  const pixels = (img: RgbaImage) => Array.from({ length: img.width * img.height }, (_, i) => [...img.data.subarray(i * 4, i * 4 + 4)]);
  const decoded = (png: Parameters<typeof encode>[0]) => pixels(decodeLogoPng(encode(png)) as RgbaImage);

  it("reads grey (1, 8 and 16 bits), grey with alpha, RGB, RGBA 16-bit and palettes with transparency as straight RGBA", () => {
    expect(decoded({ width: 2, height: 1, data: new Uint8Array([0x40]), channels: 1, depth: 1 })).toEqual([[0, 0, 0, 255], [255, 255, 255, 255]]);
    expect(decoded({ width: 2, height: 1, data: new Uint8Array([0, 200]), channels: 1, depth: 8 })).toEqual([[0, 0, 0, 255], [200, 200, 200, 255]]);
    expect(decoded({ width: 1, height: 1, data: new Uint16Array([0x8080]), channels: 1, depth: 16 })).toEqual([[128, 128, 128, 255]]);
    expect(decoded({ width: 1, height: 1, data: new Uint8Array([10, 100]), channels: 2, depth: 8 })).toEqual([[10, 10, 10, 100]]);
    expect(decoded({ width: 1, height: 1, data: new Uint8Array([1, 2, 3]), channels: 3, depth: 8 })).toEqual([[1, 2, 3, 255]]);
    expect(decoded({ width: 1, height: 1, data: new Uint16Array([0xffff, 0, 0x7fff, 0x8000]), channels: 4, depth: 16 })).toEqual([[255, 0, 127, 128]]);
    const palette = [[255, 0, 0, 0], [0, 0, 255, 255]];
    expect(decoded({ width: 3, height: 1, data: new Uint8Array([0x01, 0x00]), channels: 1, depth: 4, palette })).toEqual([[255, 0, 0, 0], [0, 0, 255, 255], [255, 0, 0, 0]]);
  });

  it("refuses what is not a PNG, and a canvas too large to decode before inflating it", () => {
    expect(decodeLogoPng(new TextEncoder().encode("<svg/>"))).toMatch(/not a PNG/);
    const huge = encode({ width: 1, height: 1, data: new Uint8Array([0]), channels: 1, depth: 8 });
    new DataView(huge.buffer).setUint32(16, 20_000);
    expect(decodeLogoPng(huge)).toMatch(/20000×1 pixels/);
    expect(readStoredLogo("data:image/gif;base64,R0lG")).toMatch(/PNG or SVG/);
    expect(readStoredLogo('data:image/svg+xml;base64,PHN2Zy8+"onload=')).toMatch(/PNG or SVG/);
  });

  it("scales by area average down and linearly up, on premultiplied alpha", () => {
    const img = (w: number, px: number[][]): RgbaImage => ({ width: w, height: px.length / w, data: new Uint8Array(px.flat()) });
    const white = [255, 255, 255, 255], black = [0, 0, 0, 255], clear = [0, 0, 0, 0];
    const down = resizeLogo(img(4, [white, white, black, black]), 2, 1);
    expect([...down.data]).toEqual([1, 1, 1, 1, 0, 0, 0, 1]);
    // Half red, half transparent black: red at half alpha, not a darker red.
    const edge = resizeLogo(img(2, [[255, 0, 0, 255], clear]), 1, 1);
    expect([...edge.data]).toEqual([0.5, 0, 0, 0.5]);
    const up = resizeLogo(img(2, [black, white]), 4, 1);
    expect([...up.data].filter((_, i) => i % 4 === 0)).toEqual([0, 0.25, 0.75, 1]);
  });
});
