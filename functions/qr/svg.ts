/**
 * A QR code as SVG: the same picture as the PNG of the same size (whole pixels per module, the leftover
 * pixels in the quiet zone), so either file prints alike; being vector, it also scales to any size without
 * blur. One path holds every dark module, a run of dark modules in a row being one rectangle.
 *
 * The logo (PNG or SVG) goes in as an `<image>` with its data: URL: an image element never runs scripts nor
 * loads anything, whatever the logo holds, so embedding it is safe.
 */
import { hexOf, type Rgba } from "./colors.ts";
import { darkAt, logoSquare, symbolOrigin, type QrLayout } from "./layout.ts";

/** Alpha as SVG's opacity attribute, or nothing when opaque. */
const opacity = (name: string, c: Rgba) => (c.a === 255 ? "" : ` ${name}="${+(c.a / 255).toFixed(3)}"`);

export function drawQrSvg(l: QrLayout, fg: Rgba, bg: Rgba, logoDataUrl: string | null): string {
  const runs: string[] = [];
  for (let y = 0; y < l.symbol; y++) {
    for (let x = 0; x < l.symbol; x++) {
      if (!darkAt(l, x, y)) continue;
      const start = x;
      while (x + 1 < l.symbol && darkAt(l, x + 1, y)) x++;
      runs.push(`M${start} ${y}h${x - start + 1}v1h-${x - start + 1}z`);
    }
  }
  const origin = symbolOrigin(l);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${l.size}" height="${l.size}" viewBox="0 0 ${l.size} ${l.size}" shape-rendering="crispEdges">`,
    bg.a === 0 ? "" : `<rect width="${l.size}" height="${l.size}" fill="${hexOf(bg)}"${opacity("fill-opacity", bg)}/>`,
    // In module units, moved and scaled onto the pixel grid: a short path however large the image.
    `<path transform="translate(${origin} ${origin}) scale(${l.scale})" fill="${hexOf(fg)}" d="${runs.join("")}"/>`,
  ];
  const square = logoDataUrl ? logoSquare(l) : null;
  if (square) {
    // The stored URL is base64 after a fixed prefix (checked by readStoredLogo): nothing in it can close the attribute.
    parts.push(`<image href="${logoDataUrl}" x="${square.x}" y="${square.y}" width="${square.width}" height="${square.height}" preserveAspectRatio="xMidYMid meet"/>`);
  }
  parts.push("</svg>");
  return parts.join("");
}
