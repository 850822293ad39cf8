/**
 * A domain's QR logo as the QR code needs it: the stored `data:` URL of a PNG or SVG (at most 64 KB,
 * checked by the domains API when it is set), read again here because a drawing must never trust a stored
 * value to be well formed; and a PNG decoded to straight RGBA, whatever its colour type and depth.
 */
import { decode } from "fast-png";
// The side is checked before decoding: a PNG of a few KB may claim a canvas of 10,000² pixels (400 MB).
import { decodeQrLogo, MAX_QR_LOGO_SIDE as MAX_LOGO_SIDE, type QrLogoType } from "../shared/qr-logo.ts";

export interface StoredLogo {
  type: QrLogoType;
  /** The data: URL as stored: SVG codes embed it as is. */
  dataUrl: string;
  bytes: Uint8Array;
}

/** Straight (not premultiplied) 8-bit RGBA, row by row. */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8Array;
}

/** The logo of a stored data: URL, or why it cannot be one. */
export function readStoredLogo(dataUrl: string): StoredLogo | string {
  const logo = decodeQrLogo(dataUrl);
  return logo ? { ...logo, dataUrl } : "is not a base64 data: URL of a PNG or SVG image";
}

/** The PNG as straight RGBA: grey, grey+alpha, RGB, RGBA or palette, 1 to 16 bits, tRNS transparency included. */
export function decodeLogoPng(bytes: Uint8Array): RgbaImage | string {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // The header comes first (signature, then IHDR): its size is known before anything is inflated.
  if (bytes.length < 24 || view.getUint32(0) !== 0x89504e47 || view.getUint32(12) !== 0x49484452) return "is not a PNG image";
  const [w, h] = [view.getUint32(16), view.getUint32(20)];
  if (w < 1 || h < 1 || w > MAX_LOGO_SIDE || h > MAX_LOGO_SIDE) return `is ${w}×${h} pixels; a logo may be at most ${MAX_LOGO_SIDE} a side`;
  let png: ReturnType<typeof decode>;
  try {
    png = decode(bytes);
  } catch (e) {
    return `is a PNG that does not decode (${e instanceof Error ? e.message : "unknown error"})`;
  }
  const { width, height, depth, channels, palette } = png;
  const data = png.data;
  const rowLength = Math.ceil((width * channels * depth) / 8);
  const max = (1 << depth) - 1;
  /** Sample c of pixel (x, y) at the PNG's own depth (indexes and sub-byte greys are packed, rows byte-aligned). */
  const raw = (x: number, y: number, c: number): number => {
    if (depth >= 8) return data[(y * width + x) * channels + c];
    const bit = x * depth;
    return (data[y * rowLength + (bit >> 3)] >> (8 - depth - (bit & 7))) & max;
  };
  const to8 = (v: number) => (depth === 16 ? v >> 8 : depth === 8 ? v : Math.round((v * 255) / max));
  // tRNS of a grey or RGB image names the one colour (at the image's depth) that is transparent.
  const key = !palette && png.transparency?.length ? png.transparency : null;
  const keyed = (...s: number[]) => key !== null && s.every((v, i) => v === key[i]);
  const out = new Uint8Array(width * height * 4);
  for (let y = 0, o = 0; y < height; y++) {
    for (let x = 0; x < width; x++, o += 4) {
      if (palette) {
        const entry = palette[raw(x, y, 0)] ?? [0, 0, 0, 0];
        out[o] = entry[0];
        out[o + 1] = entry[1];
        out[o + 2] = entry[2];
        out[o + 3] = entry[3] ?? 255;
      } else if (channels <= 2) {
        const v = raw(x, y, 0);
        out[o] = out[o + 1] = out[o + 2] = to8(v);
        out[o + 3] = channels === 2 ? to8(raw(x, y, 1)) : keyed(v) ? 0 : 255;
      } else {
        const [r, g, b] = [raw(x, y, 0), raw(x, y, 1), raw(x, y, 2)];
        out[o] = to8(r);
        out[o + 1] = to8(g);
        out[o + 2] = to8(b);
        out[o + 3] = channels === 4 ? to8(raw(x, y, 3)) : keyed(r, g, b) ? 0 : 255;
      }
    }
  }
  return { width, height, data: out };
}
