/**
 * A QR code as PNG, written by fast-png (pure JS, no canvas or Node zlib needed). Every module is a square of
 * `scale` whole pixels, so no edge is blurred; the pixels a whole number of modules leave over widen the
 * quiet zone, evenly on both sides.
 *
 * Without a logo the image has two colours and is written as a 1-bit palette image: at 2,048 px that is
 * 512 KB to compress instead of 12 MB of RGB, which is what keeps large codes cheap (docs/qr.md, "Cost").
 * With a logo it is truecolour, with alpha when the background has some.
 */
import { encode } from "fast-png";
import type { Rgba } from "./colors.ts";
import { darkAt, symbolOrigin, type QrLayout } from "./layout.ts";
import type { PremultipliedImage } from "./resample.ts";

/** A logo at its drawn size, and where its top-left pixel goes. */
export interface PlacedLogo {
  image: PremultipliedImage;
  x: number;
  y: number;
}

export function drawQrPng(layout: QrLayout, fg: Rgba, bg: Rgba, logo: PlacedLogo | null): Uint8Array {
  return logo ? truecolour(layout, fg, bg, logo) : twoColours(layout, fg, bg);
}

function twoColours(l: QrLayout, fg: Rgba, bg: Rgba): Uint8Array {
  const rowBytes = Math.ceil(l.size / 8);
  const bits = new Uint8Array(rowBytes * l.size); // index 0, the background, everywhere
  const origin = symbolOrigin(l);
  for (let my = 0; my < l.symbol; my++) {
    const row = bits.subarray((origin + my * l.scale) * rowBytes, (origin + my * l.scale + 1) * rowBytes);
    for (let mx = 0; mx < l.symbol; mx++) {
      if (!darkAt(l, mx, my)) continue;
      for (let px = origin + mx * l.scale; px < origin + (mx + 1) * l.scale; px++) row[px >> 3] |= 0x80 >> (px & 7);
    }
    for (let dy = 1; dy < l.scale; dy++) bits.set(row, (origin + my * l.scale + dy) * rowBytes);
  }
  // The background is entry 0: fast-png writes tRNS for the leading entries that are not opaque.
  const palette = bg.a === 255 ? [[bg.r, bg.g, bg.b], [fg.r, fg.g, fg.b]] : [[bg.r, bg.g, bg.b, bg.a], [fg.r, fg.g, fg.b, 255]];
  return encode({ width: l.size, height: l.size, data: bits, channels: 1, depth: 1, palette });
}

function truecolour(l: QrLayout, fg: Rgba, bg: Rgba, logo: PlacedLogo): Uint8Array {
  const ch = bg.a === 255 ? 3 : 4;
  const paint = (c: Rgba) => (ch === 3 ? [c.r, c.g, c.b] : [c.r, c.g, c.b, c.a]);
  const rowLength = l.size * ch;
  const data = new Uint8Array(rowLength * l.size);
  const blank = new Uint8Array(rowLength);
  for (let px = 0; px < l.size; px++) blank.set(paint(bg), px * ch);
  for (let y = 0; y < l.size; y++) data.set(blank, y * rowLength);
  const origin = symbolOrigin(l);
  const ink = paint(fg);
  for (let my = 0; my < l.symbol; my++) {
    const top = (origin + my * l.scale) * rowLength;
    const row = data.subarray(top, top + rowLength);
    for (let mx = 0; mx < l.symbol; mx++) {
      if (!darkAt(l, mx, my)) continue;
      for (let px = origin + mx * l.scale; px < origin + (mx + 1) * l.scale; px++) row.set(ink, px * ch);
    }
    for (let dy = 1; dy < l.scale; dy++) data.set(row, top + dy * rowLength);
  }
  composite(data, l.size, ch, logo, bg);
  // Deflate level 1: a QR code's long runs compress as well at 1 as at the default 6 (smaller, even), and
  // 2.5 times faster at 512 px, 1.5 times at 2,048 (fast-png in Node, same machine, same pixels).
  return encode({ width: l.size, height: l.size, data, channels: ch, depth: 8 }, { zlib: { level: 1 } });
}

/** The logo over the background: Porter-Duff "over", written back as straight colour. */
function composite(data: Uint8Array, size: number, ch: number, { image: logo, x: x0, y: y0 }: PlacedLogo, bg: Rgba) {
  const ba = bg.a / 255;
  const under = [(bg.r / 255) * ba, (bg.g / 255) * ba, (bg.b / 255) * ba];
  for (let y = 0; y < logo.height; y++) {
    for (let x = 0; x < logo.width; x++) {
      const s = (y * logo.width + x) * 4;
      const a = logo.data[s + 3];
      const outA = a + ba * (1 - a);
      const o = ((y0 + y) * size + x0 + x) * ch;
      for (let c = 0; c < 3; c++) {
        const pre = logo.data[s + c] + under[c] * (1 - a);
        data[o + c] = outA > 0 ? Math.round(Math.min(1, pre / outA) * 255) : 0;
      }
      if (ch === 4) data[o + 3] = Math.round(outA * 255);
    }
  }
}
