/**
 * A domain's QR logo: a `data:image/png;base64,...` or `data:image/svg+xml;base64,...` URL of at most
 * MAX_QR_LOGO_BYTES decoded, checked when the domains API stores it and decoded by whoever draws it.
 *
 * A PNG must decode (fast-png, CRCs checked) and be at most MAX_QR_LOGO_SIDE pixels a side; its header is
 * read before decoding, so a small file that claims a huge canvas is refused without allocating it.
 *
 * An SVG is embedded in SVG QR codes, so it is held to a deliberately conservative rule rather than
 * sanitized: a plain drawing, nothing that runs or loads anything. UTF-8 text whose first element is `<svg`
 * (after an optional XML declaration and comments), ending with `</svg>`, with no `<script>`, no
 * `<foreignObject>` (HTML inside SVG), no iframe/embed/object, no `<a>` link nor animated `href`, no
 * `on...=` event-handler attribute, no DOCTYPE or ENTITY (entity expansion), no `javascript:`, no CSS
 * `@import`, no `url(...)` but to `#fragment`, and no `href` but to `#fragment` or an embedded
 * `data:image/png|jpeg|gif|webp;base64`. A logo refused by this is almost always fixed by exporting it again
 * as "plain SVG", or as a PNG.
 */
import { decode as decodePng } from "fast-png";

export const MAX_QR_LOGO_BYTES = 64 * 1024;
export const MAX_QR_LOGO_SIDE = 1024;

export type QrLogoType = "image/png" | "image/svg+xml";

export interface QrLogo {
  type: QrLogoType;
  bytes: Uint8Array;
}

const PREFIX = /^data:(image\/png|image\/svg\+xml);base64,/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
/** The longest base64 text MAX_QR_LOGO_BYTES can take, plus the longest prefix. */
export const MAX_QR_LOGO_CHARS = Math.ceil(MAX_QR_LOGO_BYTES / 3) * 4 + "data:image/svg+xml;base64,".length;

/** The media type and bytes of a stored (or offered) logo; null when it is not one of the two data: URLs. */
export function decodeQrLogo(dataUrl: string): QrLogo | null {
  const m = PREFIX.exec(dataUrl);
  if (!m) return null;
  const b64 = dataUrl.slice(m[0].length);
  if (b64.length % 4 !== 0 || !BASE64.test(b64)) return null;
  let bin: string;
  try {
    bin = atob(b64);
  } catch {
    return null;
  }
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return { type: m[1] as QrLogoType, bytes };
}

/** The data: URL of `bytes` as `type` (the inverse of decodeQrLogo; any type, for the API to judge). */
export function qrLogoDataUrl(type: string, bytes: Uint8Array): string {
  let bin = "";
  // In chunks: String.fromCharCode(...bytes) of a whole file would exceed the engine's argument limit.
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return `data:${type};base64,${btoa(bin)}`;
}

/** A refusal: `status` 413 for a logo too large, 422 for one that is not an acceptable image, 400 for not a data: URL. */
export interface QrLogoProblem {
  status: 400 | 413 | 422;
  message: string;
}

/** Why `dataUrl` cannot be a QR logo, or null. */
export function qrLogoProblem(dataUrl: string): QrLogoProblem | null {
  if (dataUrl.length > MAX_QR_LOGO_CHARS) return { status: 413, message: `must be at most ${MAX_QR_LOGO_BYTES} bytes once decoded` };
  const logo = decodeQrLogo(dataUrl);
  if (!logo) return { status: 400, message: "must be a data:image/png;base64,... or data:image/svg+xml;base64,... URL (standard base64, padded)" };
  if (logo.bytes.length > MAX_QR_LOGO_BYTES) return { status: 413, message: `must be at most ${MAX_QR_LOGO_BYTES} bytes once decoded` };
  if (logo.bytes.length === 0) return { status: 422, message: "is empty" };
  const problem = logo.type === "image/png" ? pngProblem(logo.bytes) : svgProblem(logo.bytes);
  return problem ? { status: 422, message: problem } : null;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Width and height from the IHDR chunk (always first), or null when the header is not a PNG's. */
export function pngSize(bytes: Uint8Array): { width: number; height: number } | null {
  if (bytes.length < 24 || PNG_SIGNATURE.some((b, i) => bytes[i] !== b)) return null;
  if (String.fromCharCode(...bytes.subarray(12, 16)) !== "IHDR") return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

function pngProblem(bytes: Uint8Array): string | null {
  const size = pngSize(bytes);
  if (!size) return "is not a PNG image (its signature or header is missing)";
  if (size.width < 1 || size.height < 1 || size.width > MAX_QR_LOGO_SIDE || size.height > MAX_QR_LOGO_SIDE) {
    return `must be 1 to ${MAX_QR_LOGO_SIDE} pixels a side (this PNG is ${size.width}×${size.height})`;
  }
  try {
    const png = decodePng(bytes, { checkCrc: true });
    const expected = png.width * png.height * png.channels;
    if (png.data.length < expected) return "is a truncated PNG image";
  } catch (e) {
    return `is not a PNG image that decodes (${e instanceof Error ? e.message : String(e)})`.slice(0, 300);
  }
  return null;
}

/** What an SVG logo may not contain (lowercased text is tested; see the module comment for why each). */
const SVG_FORBIDDEN: [RegExp, string][] = [
  [/<\s*script/, "may not contain <script>"],
  [/<\s*foreignobject/, "may not contain <foreignObject>"],
  [/<\s*(iframe|embed|object|audio|video)\b/, "may not embed other documents or media"],
  [/<\s*a[\s>/]/, "may not contain links (<a>)"],
  [/attributename\s*=\s*["']\s*(xlink:)?href/, "may not animate an href"],
  [/[\s"'/]on[a-z]+\s*=/, "may not have event-handler attributes (on...=)"],
  [/<!\s*(doctype|entity)/, "may not have a DOCTYPE or ENTITY declaration"],
  [/javascript\s*:/, "may not contain javascript: URLs"],
  [/@import/, "may not contain CSS @import"],
  [/url\(\s*(?![\s'"]*#)/, "may not reference anything but its own #fragments in url(...)"],
  [/href\s*=\s*(["'])\s*(?!#|data:image\/(png|jpeg|gif|webp);base64,)/, "may not link to anything but its own #fragments or an embedded PNG, JPEG, GIF or WebP"],
  [/href\s*=\s*[^\s"']/, "must quote its href attributes"],
];

function svgProblem(bytes: Uint8Array): string | null {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return "must be UTF-8 text";
  }
  // The root element comes first: after whitespace, an XML declaration and comments only.
  const head = text.replace(/^\s*(<\?xml[^>]*\?>\s*)?(<!--[\s\S]*?-->\s*)*/, "");
  if (!/^<svg[\s>/]/.test(head)) return "must be an SVG document whose root element is <svg>";
  if (!/<\/svg>\s*$/.test(text)) return "must end with </svg>";
  const lower = text.toLowerCase();
  for (const [pattern, message] of SVG_FORBIDDEN) if (pattern.test(lower)) return message;
  return null;
}
