/**
 * The colours of a QR code and the rule that keeps them readable. Readers turn the image to grey and split
 * dark from light, so what matters is the difference in luminance: the WCAG 2 contrast ratio, between 1
 * (the same) and 21 (black on white). Under 4.5 a camera in poor light or a faded print loses the modules (at 3.0, navy on crimson, 64 px and no quiet zone, jsQR could not read it). A
 * light foreground on a dark background (an inverted code) is allowed by the standard but many readers
 * (older phone cameras, most payment and ticket scanners) never try it, so it is refused too.
 */
import type { FieldError } from "../shared/errors.ts";

/** 8-bit channels; `a` 255 is opaque. */
export interface Rgba {
  r: number;
  g: number;
  b: number;
  a: number;
}

export const MIN_QR_CONTRAST = 4.5;

/** `#rrggbb`, `rrggbb` or (with alpha) `#rrggbbaa`, case-insensitive, as the query schema let it through. */
export function parseHexColor(hex: string): Rgba {
  const h = hex.replace(/^#/, "");
  const at = (i: number) => parseInt(h.slice(i, i + 2), 16);
  return { r: at(0), g: at(2), b: at(4), a: h.length === 8 ? at(6) : 255 };
}

/** `#rrggbb` of a colour, its alpha left out (SVG says alpha with fill-opacity). */
export const hexOf = (c: Rgba) => `#${[c.r, c.g, c.b].map((v) => v.toString(16).padStart(2, "0")).join("")}`;

/** WCAG 2 relative luminance: sRGB channels made linear, weighted as the eye weighs them. */
export function relativeLuminance({ r, g, b }: Rgba): number {
  const lin = (v: number) => {
    const s = v / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

export function contrastRatio(a: Rgba, b: Rgba): number {
  const [hi, lo] = [relativeLuminance(a), relativeLuminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/**
 * Why fg on bg would not scan, naming both parameters; empty when it would. A transparent background's
 * colour stands for the surface the code will be put on, so the contrast is measured against it.
 */
export function colorProblems(fg: Rgba, bg: Rgba): FieldError[] {
  const ratio = contrastRatio(fg, bg);
  if (relativeLuminance(fg) >= relativeLuminance(bg)) {
    const message = "the foreground must be darker than the background: many readers cannot scan light modules on a dark ground";
    return [{ path: "fg", message }, { path: "bg", message }];
  }
  if (ratio < MIN_QR_CONTRAST) {
    const message = `contrast ${ratio.toFixed(2)}:1 between fg and bg is under ${MIN_QR_CONTRAST}:1: readers would not tell the modules apart`;
    return [{ path: "fg", message }, { path: "bg", message }];
  }
  return [];
}
