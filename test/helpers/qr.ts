/**
 * Reading QR codes back as a phone would, with nothing of the service's own drawing code: fast-png decodes
 * the file, transparent pixels are laid over the surface the code is meant to sit on, and jsQR (an
 * independent reader) finds and decodes the code in the pixels. Plus test logos of every PNG kind, made with
 * fast-png. Pure, so the browser tests (Node) share it; domains.ts sets a domain's logo.
 */
import { convertIndexedToRgb, decode, encode, type ImageData } from "fast-png";
import jsQRExport from "jsqr";

/** jsqr is CommonJS: its default import is the function under workerd's bundler and Node alike, typed apart by each resolver. */
type Reader = (data: Uint8ClampedArray, width: number, height: number, options: { inversionAttempts: "dontInvert" }) => { data: string; version: number } | null;
const jsQR = ((m: unknown) => (typeof m === "function" ? m : (m as { default: unknown }).default))(jsQRExport) as Reader;

/** The decoded image as opaque RGBA over `surface` (#rrggbb; white unless given). */
export function pngPixels(bytes: Uint8Array, surface = "#ffffff"): { width: number; height: number; rgba: Uint8ClampedArray } {
  const png = decode(bytes);
  expect8bitOrPalette(png.depth, png.palette !== undefined);
  const src = png.palette ? convertIndexedToRgb(png) : png.data;
  const ch = png.palette ? png.palette[0].length : png.channels;
  const [sr, sg, sb] = [1, 3, 5].map((i) => parseInt(surface.slice(i, i + 2), 16));
  const n = png.width * png.height;
  const rgba = new Uint8ClampedArray(n * 4);
  for (let i = 0; i < n; i++) {
    const grey = ch <= 2;
    const [r, g, b] = grey ? [src[i * ch], src[i * ch], src[i * ch]] : [src[i * ch], src[i * ch + 1], src[i * ch + 2]];
    const a = ch === 2 || ch === 4 ? src[i * ch + ch - 1] / 255 : 1;
    rgba[i * 4] = r * a + sr * (1 - a);
    rgba[i * 4 + 1] = g * a + sg * (1 - a);
    rgba[i * 4 + 2] = b * a + sb * (1 - a);
    rgba[i * 4 + 3] = 255;
  }
  return { width: png.width, height: png.height, rgba };
}

function expect8bitOrPalette(depth: number, palette: boolean) {
  if (depth !== 8 && !palette) throw new Error(`the service wrote a ${depth}-bit PNG that is not a palette image`);
}

/** What jsQR finds in the PNG (over `surface`): the text and the version (a symbol of 17 + 4 × version modules). */
export function decodeQrPng(bytes: Uint8Array, surface?: string): { data: string; version: number } | null {
  const { width, height, rgba } = pngPixels(bytes, surface);
  // As a phone reads a code: dark modules on a light ground (an inverted code is refused by the service).
  return jsQR(rgba, width, height, { inversionAttempts: "dontInvert" });
}

/** The text jsQR reads in the PNG, or null when it finds no code. */
export const readQrPng = (bytes: Uint8Array, surface?: string) => decodeQrPng(bytes, surface)?.data ?? null;

export const pngDataUrl = (png: Uint8Array) => `data:image/png;base64,${btoa(String.fromCharCode(...png))}`;
export const svgDataUrl = (svg: string) => `data:image/svg+xml;base64,${btoa(svg)}`;

const image = (width: number, height: number, channels: number, at: (x: number, y: number) => number[], more: Partial<ImageData> = {}) => {
  const data = new (more.depth === 16 ? Uint16Array : Uint8Array)(width * height * channels);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set(at(x, y), (y * width + x) * channels);
  return encode({ width, height, data, channels, depth: 8, ...more });
};

/** Test logos, one per PNG kind; each has a known colour at its centre (`centre`, RGB, over white). */
export const testLogos = {
  /** A red disc on transparency, with a soft edge: alpha that must be laid over the background. */
  rgba: {
    png: image(64, 64, 4, (x, y) => [255, 0, 0, Math.max(0, Math.min(255, Math.round((30 - Math.hypot(x - 31.5, y - 31.5)) * 128)))]),
    centre: [255, 0, 0],
  },
  /** A palette image, entry 0 transparent: blue, yellow, blue stripes under a transparent band, wider than tall. */
  palette: {
    png: image(48, 24, 1, (x, y) => [y < 4 ? 0 : 1 + (Math.floor(x / 16) % 2)], { palette: [[0, 0, 0, 0], [0, 0, 255, 255], [255, 255, 0, 255]] }),
    centre: [255, 255, 0],
  },
  /** 8-bit grey, a mid-grey square in a light frame. */
  grey: { png: image(40, 40, 1, (x, y) => [x > 8 && x < 31 && y > 8 && y < 31 ? 96 : 230]), centre: [96, 96, 96] },
  /** 16-bit RGB, taller than wide, green. */
  rgb16: { png: image(20, 30, 3, () => [0, 0xc0c0, 0x4040], { depth: 16 }), centre: [0, 192, 64] },
};
