/**
 * The QR code choices of a link's page: read from its query string (the QR form is a GET form, so a chosen
 * code has an address, works without script and can be bookmarked) and handed to the API's QR route as its
 * own parameters. The dashboard judges nothing: the API refuses what would not scan and says why.
 */
import type { Context } from "hono";
import type { z } from "@hono/zod-openapi";
import { QrQuery } from "../api/links/qr.ts";
import type { Problem } from "../shared/errors.ts";
import { SessionRejected } from "./api-client.ts";
import type { QrPreview } from "./components/qr-card.tsx";
import type { DashEnv } from "./dash-env.ts";
import { formErrors } from "./forms.ts";
import { pageDomain } from "./link-paths.ts";

/** The form's fields as the browser sent them (strings), defaults filled from the API's own. */
export interface QrFormValues {
  format: string;
  size: string;
  margin: string;
  fg: string;
  bg: string;
  /** "true": the background is transparent (its colour names the surface the code goes on). */
  transparent: string;
  ecc: string;
  logo: string;
}

export const QR_FIELDS = ["format", "size", "margin", "fg", "bg", "ecc", "logo"] as const;

const DEFAULTS: z.infer<typeof QrQuery> = QrQuery.parse({});

export function readQrForm(c: Context<DashEnv>): QrFormValues {
  const q = (name: string, fallback: string) => c.req.query(name) || fallback;
  return {
    format: q("format", DEFAULTS.format),
    size: q("size", String(DEFAULTS.size)),
    margin: q("margin", String(DEFAULTS.margin)),
    fg: q("fg", DEFAULTS.fg),
    bg: q("bg", DEFAULTS.bg),
    transparent: q("transparent", ""),
    ecc: q("ecc", DEFAULTS.ecc),
    logo: q("logo", ""),
  };
}

/** The API's query for these choices (format apart: the route picks it). */
export function qrApiQuery(v: QrFormValues, domain: string | undefined): Record<string, string | undefined> {
  // A colour picker gives #rrggbb; transparency is alpha 00 on the same colour.
  const bg = v.transparent === "true" && /^#?[0-9a-fA-F]{6}$/.test(v.bg) ? `${v.bg}00` : v.bg;
  return { size: v.size, margin: v.margin, fg: v.fg, bg, ecc: v.ecc, logo: v.logo === "true" ? "true" : undefined, domain };
}

/**
 * The dashboard's address of the code in `format` with these choices, as the form would send them (what the
 * Download links load; app.js builds the same from the form as it changes).
 */
export function qrImagePath(slug: string, domain: string | undefined, v: QrFormValues, format: "png" | "svg"): string {
  const params = new URLSearchParams();
  const fields = { size: v.size, margin: v.margin, fg: v.fg, bg: v.bg, transparent: v.transparent, ecc: v.ecc, logo: v.logo, domain };
  for (const [k, val] of Object.entries(fields)) if (val) params.set(k, val);
  return `/app/links/${encodeURIComponent(slug)}/qr.${format}?${params}`;
}

/** The code as the API draws it for the page (its chosen format), as a data: URL; or the API's reasons. */
export async function qrPreview(c: Context<DashEnv>, slug: string, v: QrFormValues): Promise<QrPreview> {
  const format = v.format === "svg" ? "svg" : "png";
  const query = { ...qrApiQuery(v, pageDomain(c)), format };
  const res = await c.var.api.raw("GET", `/api/v1/links/${encodeURIComponent(slug)}/qr`, { query, accept: "*/*" });
  const logo = res.headers.get("x-qr-logo") ?? "none";
  if (res.status === 401) throw new SessionRejected("The API refused the session's key.");
  if (!res.ok) {
    const problem = (await res.json().catch(() => null)) as Problem | null;
    return { errors: problem ? formErrors(problem, QR_FIELDS) : { "": `The API answered ${res.status}.` }, logo };
  }
  const bytes = new Uint8Array(await res.arrayBuffer());
  return { src: `data:${res.headers.get("content-type")};base64,${toBase64(bytes)}`, errors: {}, logo };
}

function toBase64(bytes: Uint8Array): string {
  let bin = "";
  // In pieces: String.fromCharCode takes its arguments on the stack.
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}
