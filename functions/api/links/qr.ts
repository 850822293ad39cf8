import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { selectQrLogo } from "../../../db/queries/domains.ts";
import { selectLinkBySlug } from "../../../db/queries/links.ts";
import { MIN_QR_CONTRAST } from "../../qr/colors.ts";
import { MIN_PX_PER_MODULE } from "../../qr/layout.ts";
import { renderQr } from "../../qr/render.ts";
import type { AppEnv } from "../../shared/app-env.ts";
import { ApiError } from "../../shared/errors.ts";
import { linkScopeOf, resolveDomainRef } from "../domains/resolve.ts";
import { problems, rateLimitHeaderDocs, secured } from "../openapi.ts";
import { shortUrlOf } from "./present.ts";
import { HostnameRef, LinkSlugParams } from "./schemas.ts";

/** `#rrggbb` or `rrggbb` (a `#` must be sent as %23), and `#rrggbbaa` where alpha is allowed; stored lowercase with `#`. */
const color = (alpha: boolean) =>
  z
    .string()
    .regex(alpha ? /^#?([0-9a-fA-F]{6}|[0-9a-fA-F]{8})$/ : /^#?[0-9a-fA-F]{6}$/, alpha ? "must be #rrggbb or #rrggbbaa (hex; # optional)" : "must be #rrggbb (hex; # optional)")
    .transform((s) => `#${s.replace(/^#/, "").toLowerCase()}`);

export const QrQuery = z.strictObject({
  format: z.enum(["png", "svg"]).default("png").openapi({ description: "PNG (whole pixels per module) or SVG (the same picture, vector)" }),
  size: z.coerce.number().int().min(64).max(2048).default(512)
    .openapi({ type: "integer", description: `Width and height in pixels, 64 to 2,048; each module gets at least ${MIN_PX_PER_MODULE} whole pixels, the pixels left over widen the margin` }),
  margin: z.coerce.number().int().min(0).max(16).default(4)
    .openapi({ type: "integer", description: "Quiet zone in modules, 0 to 16; the standard asks for 4, and under 4 some readers fail" }),
  fg: color(false).default("#000000").openapi({ type: "string", description: "Colour of the dark modules: #rrggbb, opaque" }),
  bg: color(true).default("#ffffff")
    .openapi({ type: "string", description: `Background: #rrggbb, or #rrggbbaa with alpha (00 transparent; the colour then names the surface the code goes on). fg must be darker, with a contrast of at least ${MIN_QR_CONTRAST}:1` }),
  ecc: z.enum(["L", "M", "Q", "H"]).default("M").openapi({ description: "Error correction: L 7 %, M 15 %, Q 25 %, H 30 % of the codewords restored" }),
  logo: z.enum(["true", "false"]).default("false").transform((v) => v === "true")
    .openapi({ type: "boolean", description: "Draw the domain's qrLogo in the middle, the level raised to H (an SVG logo only in SVG codes)" }),
  domain: HostnameRef.optional().openapi({ description: "The link's domain (a hostname); the default domain when absent" }),
});
export type QrChoices = z.infer<typeof QrQuery>;

const imageHeaders = {
  ...rateLimitHeaderDocs,
  ETag: { description: "Changes with the short URL, the choices and the domain's logo: send it back as If-None-Match", schema: { type: "string" as const } },
  "X-QR-Logo": { description: "The media type of the domain's qrLogo (image/png or image/svg+xml), or none", schema: { type: "string" as const } },
};

export const linkQrRoute = createRoute({
  method: "get",
  path: "/api/v1/links/{slug}/qr",
  tags: ["links"],
  summary: "The QR code of a link's short URL, styled, as PNG or SVG",
  description:
    "Refused with 422 (naming the parameters) when the code would not scan: fg not darker than bg or a contrast under " +
    `${MIN_QR_CONTRAST}:1, a size that leaves a module fewer than ${MIN_PX_PER_MODULE} pixels, logo=true without a qrLogo on the domain, ` +
    "an SVG logo in a PNG, or (PLAN=free) a PNG the plan's CPU cannot pay for. See docs/qr.md.",
  ...secured("links:read"),
  request: { params: LinkSlugParams, query: QrQuery },
  responses: {
    200: {
      description: "The code",
      headers: imageHeaders,
      content: { "image/png": { schema: { type: "string" as const, format: "binary" } }, "image/svg+xml": { schema: { type: "string" as const } } },
    },
    304: { description: "Unchanged since the ETag sent in If-None-Match", headers: imageHeaders },
    ...problems(400, 404, 422),
  },
});

export function registerLinkQr(app: OpenAPIHono<AppEnv>) {
  app.openapi(linkQrRoute, async (c) => {
    const { slug } = c.req.valid("param");
    const { domain: hostname, ...choices } = c.req.valid("query");
    const domain = await resolveDomainRef(c, hostname);
    const db = c.var.db();
    // GET /api/v1/links/{slug}'s lookup: a link the caller may not see is answered exactly as a missing one.
    const row = await selectLinkBySlug(db, domain, slug, linkScopeOf(c.var.principal));
    if (!row) throw new ApiError(404, `No link has the slug "${slug}".`);
    const text = shortUrlOf(c, row);
    const logo = await selectQrLogo(db, row.domain);
    const headers = {
      // Private: the caller's key fetched it. no-cache: a moved link or a new logo shows at once; the ETag
      // spares the drawing (and the bytes) when nothing changed.
      "cache-control": "private, no-cache",
      etag: await etagOf(text, choices, logo),
      "x-qr-logo": logo ? /^data:([^;,]+)/.exec(logo)?.[1] ?? "none" : "none",
    };
    if (matches(c.req.header("if-none-match"), headers.etag)) return c.body(null, 304, headers);
    const image = renderQr(text, choices, logo, c.var.config.PLAN);
    if (Array.isArray(image)) {
      throw new ApiError(422, "This QR code cannot be drawn as asked: see errors.", { errors: image, headers: { "x-qr-logo": headers["x-qr-logo"] } });
    }
    if (typeof image.body !== "string") return c.body(image.body as Uint8Array<ArrayBuffer>, 200, { ...headers, "content-type": image.contentType });
    // Opened on its own, the SVG may show its embedded logo and nothing else: no script, no fetch.
    const csp = "default-src 'none'; img-src data:; style-src 'unsafe-inline'";
    return c.body(image.body, 200, { ...headers, "content-security-policy": csp, "content-type": image.contentType });
  });
}

/** Bumped whenever the drawing changes, so a client's cached code is drawn anew. */
const DRAWING_VERSION = 1;

async function etagOf(text: string, choices: Omit<QrChoices, "domain">, logo: string | null): Promise<string> {
  const input = new TextEncoder().encode(JSON.stringify([DRAWING_VERSION, text, choices, logo]));
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", input));
  return `"${[...digest.subarray(0, 12)].map((b) => b.toString(16).padStart(2, "0")).join("")}"`;
}

/**
 * If-None-Match names `etag` (weak or strong, alone or in a list). Not `*`: that would answer 304 to choices
 * that were never drawn, refused ones included.
 */
const matches = (header: string | undefined, etag: string) =>
  header !== undefined && header.split(",").some((t) => t.trim().replace(/^W\//, "") === etag);
