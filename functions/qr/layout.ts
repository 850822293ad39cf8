/**
 * Where each module of a QR code goes: uqr encodes the text (pure JS, any runtime) into the symbol's modules,
 * and this places them in an image of `size` pixels with a quiet zone of `margin` modules, and clears the
 * square in the middle that a logo covers.
 */
import { encode, QrCodeDataType } from "uqr";
import type { FieldError } from "../shared/errors.ts";

export type Ecc = "L" | "M" | "Q" | "H";

/**
 * Fewest pixels a module may get. At one pixel a module is a dot no camera resolves from a screen or a
 * print, and any resampling of the image smears neighbours together.
 */
export const MIN_PX_PER_MODULE = 2;

/**
 * Width of the logo's square, as a share of the symbol's. 0.22 of the width is about 5 % of the area (7 %
 * once rounded up to whole modules), well inside the 30 % of codewords level H restores, with room for a
 * smudge besides.
 */
const LOGO_SHARE = 0.22;

export interface QrLayout {
  /** The symbol's modules, row by row, without quiet zone: true is dark. */
  modules: boolean[][];
  /** The symbol's side in modules (21 for version 1, 4 more per version). */
  symbol: number;
  margin: number;
  /** The side of the code with its quiet zone, in modules. */
  side: number;
  /** The image's side in pixels, as asked. */
  size: number;
  /** Whole pixels per module in a PNG: floor(size / side). */
  scale: number;
  /** Pixels before the quiet zone: half of what the whole pixels per module leave over, so the code stays centred. */
  offset: number;
  /** The square cleared for a logo, in symbol modules [from, to) on both axes; null without a logo. */
  hole: { from: number; to: number } | null;
}

export interface LayoutRequest {
  text: string;
  ecc: Ecc;
  margin: number;
  size: number;
  logo: boolean;
}

/** The layout, or the problems (naming `size`) that keep it from being readable. */
export function layoutQr(req: LayoutRequest): QrLayout | FieldError[] {
  // A logo hides modules: level H restores the most (up to 30 % of the codewords).
  const qr = encode(req.text, { ecc: req.logo ? "H" : req.ecc, border: 0 });
  const side = qr.size + 2 * req.margin;
  const scale = Math.floor(req.size / side);
  if (scale < MIN_PX_PER_MODULE) {
    const least = side * MIN_PX_PER_MODULE;
    return [{
      path: "size",
      message: `is ${req.size} px, but this code is ${side} modules wide with a margin of ${req.margin} and a module needs at least ` +
        `${MIN_PX_PER_MODULE} px: ask for at least ${least} px, or a smaller margin`,
    }];
  }
  return {
    modules: qr.data,
    symbol: qr.size,
    margin: req.margin,
    side,
    size: req.size,
    scale,
    offset: Math.floor((req.size - side * scale) / 2),
    hole: req.logo ? logoHole(qr.types, qr.size) : null,
  };
}

/**
 * The centred square of whole modules a logo covers: an odd number of modules (the symbol's side is odd),
 * about LOGO_SHARE of the side, shrunk until it holds only data and alignment modules. The finder, timing
 * and format modules must stay: without them a reader cannot find the code or read its level and mask.
 */
function logoHole(types: QrCodeDataType[][], symbol: number): { from: number; to: number } | null {
  for (let k = 2 * Math.floor((LOGO_SHARE * symbol) / 2) + 1; k >= 3; k -= 2) {
    const from = (symbol - k) / 2;
    const to = from + k;
    let clear = true;
    for (let y = from; y < to && clear; y++) {
      for (let x = from; x < to && clear; x++) clear = types[y][x] === QrCodeDataType.Data || types[y][x] === QrCodeDataType.Alignment;
    }
    if (clear) return { from, to };
  }
  return null;
}

/** Is symbol module (x, y) dark and outside the logo's square? */
export function darkAt(layout: QrLayout, x: number, y: number): boolean {
  const h = layout.hole;
  if (h && x >= h.from && x < h.to && y >= h.from && y < h.to) return false;
  return layout.modules[y][x];
}

/** Where the symbol's first module starts, in pixels from the image's edge. */
export const symbolOrigin = (l: QrLayout) => l.offset + l.margin * l.scale;

export interface PixelBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * The pixels a logo may take: its square less half a module of padding on every side, so no dark module
 * touches the logo. Null without a logo.
 */
export function logoSquare(l: QrLayout): PixelBox | null {
  if (!l.hole) return null;
  const pad = Math.max(1, Math.floor(l.scale / 2));
  const start = symbolOrigin(l) + l.hole.from * l.scale + pad;
  const side = (l.hole.to - l.hole.from) * l.scale - 2 * pad;
  return { x: start, y: start, width: side, height: side };
}

/** A logo of width×height fitted and centred in `square`, its aspect ratio kept. */
export function fitLogo(square: PixelBox, width: number, height: number): PixelBox {
  const side = square.width;
  const w = width >= height ? side : Math.max(1, Math.round((side * width) / height));
  const h = width >= height ? Math.max(1, Math.round((side * height) / width)) : side;
  return { x: square.x + Math.floor((side - w) / 2), y: square.y + Math.floor((side - h) / 2), width: w, height: h };
}
