/**
 * QR codes of short URLs, made in the Worker: uqr encodes (pure JS, any runtime) and fast-png writes the
 * PNG (pure JS, no canvas or Node zlib needed). Error correction M: survives a smudge or a small logo.
 */
import { encode as encodePng } from "fast-png";
import { encode as encodeQr, renderSVG } from "uqr";

const BORDER = 4; // the quiet zone the QR standard asks for, in modules

export function qrSvg(text: string): string {
  return renderSVG(text, { ecc: "M", border: BORDER, pixelSize: 8 });
}

/** Black-on-white 8-bit grayscale PNG, `scale` pixels per module. */
export function qrPng(text: string, scale = 8): Uint8Array {
  const { size, data } = encodeQr(text, { ecc: "M", border: BORDER });
  const width = size * scale;
  const pixels = new Uint8Array(width * width).fill(255);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      if (!data[y][x]) continue;
      for (let dy = 0; dy < scale; dy++) pixels.fill(0, (y * scale + dy) * width + x * scale, (y * scale + dy) * width + (x + 1) * scale);
    }
  }
  return encodePng({ width, height: width, data: pixels, channels: 1, depth: 8 });
}
