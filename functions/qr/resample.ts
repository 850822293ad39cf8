/**
 * Scaling a logo to the pixels it gets, in plain TypeScript (the Workers runtime has no canvas): one
 * dimension at a time, each pixel an area average of the source pixels it covers when shrinking (no
 * aliasing of thin lines), a linear blend of the two nearest when growing. On premultiplied alpha, so the
 * colour of transparent pixels (often black) does not bleed into the edges.
 */
import type { RgbaImage } from "./logo.ts";

/** Premultiplied RGBA, channels 0 to 1, row by row. */
export interface PremultipliedImage {
  width: number;
  height: number;
  data: Float32Array;
}

export function resizeLogo(src: RgbaImage, width: number, height: number): PremultipliedImage {
  const pre = new Float32Array(src.width * src.height * 4);
  for (let i = 0; i < pre.length; i += 4) {
    const a = src.data[i + 3] / 255;
    pre[i] = (src.data[i] / 255) * a;
    pre[i + 1] = (src.data[i + 1] / 255) * a;
    pre[i + 2] = (src.data[i + 2] / 255) * a;
    pre[i + 3] = a;
  }
  // Rows first (sw×sh to width×sh), then columns (to width×height). Strides are in pixels.
  const wide = resample(pre, src.height, src.width, width, (line, x) => line * src.width + x, (line, x) => line * width + x);
  const data = resample(wide, width, src.height, height, (line, y) => y * width + line, (line, y) => y * width + line);
  return { width, height, data };
}

type At = (line: number, pos: number) => number;

function resample(input: Float32Array, lines: number, from: number, to: number, inAt: At, outAt: At): Float32Array {
  const out = new Float32Array((input.length / from) * to);
  const taps = weights(from, to);
  for (let line = 0; line < lines; line++) {
    for (let i = 0; i < to; i++) {
      const o = outAt(line, i) * 4;
      for (const [j, w] of taps[i]) {
        const s = inAt(line, j) * 4;
        out[o] += input[s] * w;
        out[o + 1] += input[s + 1] * w;
        out[o + 2] += input[s + 2] * w;
        out[o + 3] += input[s + 3] * w;
      }
    }
  }
  return out;
}

/** For each of `to` output pixels, the source pixels it takes and their weights (summing to 1). */
function weights(from: number, to: number): [number, number][][] {
  const ratio = from / to;
  return Array.from({ length: to }, (_, i): [number, number][] => {
    if (to >= from) {
      const x = Math.min(Math.max((i + 0.5) * ratio - 0.5, 0), from - 1);
      const j = Math.floor(x);
      const t = x - j;
      return t === 0 ? [[j, 1]] : [[j, 1 - t], [j + 1, t]];
    }
    const [start, end] = [i * ratio, (i + 1) * ratio];
    const taps: [number, number][] = [];
    for (let j = Math.floor(start); j < Math.ceil(end); j++) taps.push([j, (Math.min(end, j + 1) - Math.max(start, j)) / ratio]);
    return taps;
  });
}
