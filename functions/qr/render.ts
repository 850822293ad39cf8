/**
 * A styled QR code of a text (a link's short URL), as PNG or SVG, or the reasons it would not scan: each
 * names the query parameter to change (docs/qr.md has the rules and why).
 */
import type { FieldError } from "../shared/errors.ts";
import type { Plan } from "../shared/plan.ts";
import { colorProblems, parseHexColor } from "./colors.ts";
import { fitLogo, layoutQr, logoSquare, type Ecc, type QrLayout } from "./layout.ts";
import { decodeLogoPng, readStoredLogo, type StoredLogo } from "./logo.ts";
import { drawQrPng, type PlacedLogo } from "./png.ts";
import { resizeLogo } from "./resample.ts";
import { drawQrSvg } from "./svg.ts";

export interface QrOptions {
  format: "png" | "svg";
  /** The image's width and height, in pixels. */
  size: number;
  /** The quiet zone, in modules. */
  margin: number;
  /** `#rrggbb`; `bg` may be `#rrggbbaa`. */
  fg: string;
  bg: string;
  ecc: Ecc;
  /** Draw the domain's logo in the middle (the level is then H). */
  logo: boolean;
}

export interface QrImage {
  body: Uint8Array | string;
  contentType: "image/png" | "image/svg+xml; charset=utf-8";
}

/**
 * The largest PNG a request on Workers Free (10 ms of CPU, the request's own work beside) may draw: in
 * workerd here (bench/cpu.ts qr), warm, a plain 512 px code took 2.3 ms, 1,024 px 7 ms; any PNG with a logo
 * 12 ms or more. SVG took about 1 ms at any size, logo or not (docs/qr.md, "Cost").
 */
export const FREE_PLAN_MAX_PNG = 512;

/** `storedLogo`: the qrLogo of the link's domain (a data: URL), or null when it has none. */
export function renderQr(text: string, o: QrOptions, storedLogo: string | null, plan: Plan): QrImage | FieldError[] {
  const [fg, bg] = [parseHexColor(o.fg), parseHexColor(o.bg)];
  const logo = o.logo ? logoFor(o.format, storedLogo) : null;
  const layout = layoutQr({ text, ecc: o.ecc, margin: o.margin, size: o.size, logo: o.logo });
  // Every reason at once, so one answer says all there is to change.
  const problems = [...colorProblems(fg, bg), ...planProblems(o, plan)];
  if (typeof logo === "string") problems.push({ path: "logo", message: logo });
  if (Array.isArray(layout)) problems.push(...layout);
  if (problems.length || Array.isArray(layout) || typeof logo === "string") return problems;
  if (o.format === "svg") return { body: drawQrSvg(layout, fg, bg, logo?.dataUrl ?? null), contentType: "image/svg+xml; charset=utf-8" };
  const placed = logo ? placeLogo(layout, logo) : null;
  if (typeof placed === "string") return [{ path: "logo", message: placed }];
  return { body: drawQrPng(layout, fg, bg, placed), contentType: "image/png" };
}

function planProblems(o: QrOptions, plan: Plan): FieldError[] {
  if (plan !== "free" || o.format !== "png") return [];
  const free = "on Workers Free (PLAN=free) a request gets 10 ms of CPU";
  if (o.logo) return [{ path: "logo", message: `${free}, less than a PNG with a logo takes: ask for format=svg` }];
  if (o.size > FREE_PLAN_MAX_PNG) return [{ path: "size", message: `${free}: a PNG may be at most ${FREE_PLAN_MAX_PNG} px there; format=svg has no such limit` }];
  return [];
}

/** The stored logo, or why logo=true cannot be drawn in this format. */
function logoFor(format: QrOptions["format"], stored: string | null): StoredLogo | string {
  if (stored === null) return "the link's domain has no qrLogo: an admin sets one on the domain (PATCH /api/v1/domains/{hostname})";
  const logo = readStoredLogo(stored);
  if (typeof logo === "string") return `the domain's qrLogo ${logo}`;
  if (logo.type === "image/svg+xml" && format === "png") {
    // Rasterising SVG needs a renderer the Workers runtime lacks (resvg as WebAssembly is megabytes).
    return "the domain's qrLogo is an SVG, which can be drawn only into an SVG code: ask for format=svg, or set a PNG logo";
  }
  return logo;
}

/** The PNG logo decoded and scaled into the code's logo square. */
function placeLogo(layout: QrLayout, logo: StoredLogo): PlacedLogo | string | null {
  const square = logoSquare(layout);
  if (!square) return null;
  const image = decodeLogoPng(logo.bytes);
  if (typeof image === "string") return `the domain's qrLogo ${image}`;
  const box = fitLogo(square, image.width, image.height);
  return { image: resizeLogo(image, box.width, box.height), x: box.x, y: box.y };
}
