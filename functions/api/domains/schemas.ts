/** The Domain resource, the bodies of the domains routes, and the `domain` parameter of the links routes. */
import { z } from "@hono/zod-openapi";
import { CreatedBy } from "../created-by.ts";
import { hostnameProblem } from "../../shared/hostnames.ts";
import { isWellFormed, NOT_WELL_FORMED } from "../../shared/validation.ts";
import { HostnameRef, httpUrlProblem, MAX_URL_LENGTH } from "../links/schemas.ts";

export { HostnameRef };

/** A hostname to register: a DNS name, compared and stored in lowercase, a trailing dot dropped. */
export const Hostname = z
  .string()
  .max(254)
  .transform((s) => s.toLowerCase().replace(/\.$/, ""))
  .superRefine((s, ctx) => {
    const problem = hostnameProblem(s);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  })
  .openapi({ type: "string", example: "go.example.com", description: "A DNS name (punycode for international names)" });


/** An http(s) URL, stored in its normalized form (WHATWG href), which is always a valid Location header. */
const Redirect = z
  .string()
  .max(MAX_URL_LENGTH)
  .superRefine((s, ctx) => {
    const problem = isWellFormed(s) ? httpUrlProblem(s) : NOT_WELL_FORMED;
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  })
  .transform((s) => new URL(s).href)
  .openapi({ type: "string", format: "uri", example: "https://example.com/" });

const redirects = {
  rootRedirect: Redirect.nullish().openapi({ description: "Where GET / on the domain goes (302); null: /app on the default domain, 404 on others" }),
  notFoundRedirect: Redirect.nullish().openapi({ description: "Where an unknown slug on the domain goes (302); null: 404" }),
};

/** The two redirects alone (Shlink's domain redirects route sets only these). */
export const DomainRedirectsInput = z.strictObject(redirects);

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * A JSON value taken as received (never rebuilt: a copy could lose a "__proto__" key), checked for its
 * shape only; its size and the logo's content are checked by app-files.ts (413, 422).
 */
const appFile = (shape: (v: unknown) => boolean, message: string, doc: object) =>
  z
    .unknown()
    .superRefine((v, ctx) => {
      if (v !== null && v !== undefined && !shape(v)) ctx.addIssue({ code: "custom", message });
    })
    .optional()
    .openapi(doc);

const appFiles = {
  appleAppSiteAssociation: appFile(isPlainObject, "must be a JSON object (the apple-app-site-association file), or null to remove it", {
    type: ["object", "null"],
    additionalProperties: true,
    description:
      "Served byte for byte (as JSON.stringify writes it) at /.well-known/apple-app-site-association on the domain, for iOS " +
      "universal links; at most 64 KB as JSON text; null removes it (docs/app-links.md)",
    example: { applinks: { details: [{ appIDs: ["ABCDE12345.com.example.app"], components: [{ "/": "/*" }] }] } },
  }),
  assetLinks: appFile((v) => Array.isArray(v) && v.length > 0 && v.every(isPlainObject), "must be a JSON array of one or more statements (objects), or null to remove it", {
    type: ["array", "null"],
    items: { type: "object", additionalProperties: true },
    description:
      "Digital Asset Links statements served byte for byte at /.well-known/assetlinks.json on the domain, for Android app " +
      "links: a JSON array, as Google specifies the file; at most 64 KB as JSON text; null removes it (docs/app-links.md)",
    example: [{ relation: ["delegate_permission/common.handle_all_urls"], target: { namespace: "android_app", package_name: "com.example.app", sha256_cert_fingerprints: ["14:6D:E9:..."] } }],
  }),
  qrLogo: z
    .string()
    .regex(/^data:(image\/png|image\/svg\+xml);base64,[A-Za-z0-9+/]*={0,2}$/, "must be a data:image/png;base64,... or data:image/svg+xml;base64,... URL")
    .nullish()
    .openapi({
      description:
        "The logo in the middle of the domain's QR codes: a data: URL of a PNG (at most 1,024 px a side) or an SVG (a plain " +
        "drawing: no scripts, event handlers, foreignObject or external references), at most 64 KB decoded; null removes it",
    }),
};

export const CreateDomainInput = z.strictObject({ hostname: Hostname, ...redirects, ...appFiles }).openapi("CreateDomainInput");
export const PatchDomainInput = z
  .strictObject({ ...redirects, ...appFiles })
  .openapi("PatchDomainInput", { description: "Each field optional; null clears a redirect, a file or the logo" });
export type AppFilesInput = Pick<z.infer<typeof PatchDomainInput>, keyof typeof appFiles>;

export const Domain = z
  .object({
    hostname: z.string(),
    isDefault: z.boolean().openapi({ description: "The host of PUBLIC_BASE_URL: always there, cannot be deleted" }),
    rootRedirect: z.string().nullable(),
    notFoundRedirect: z.string().nullable(),
    hasAppleAppSiteAssociation: z.boolean().openapi({ description: "Whether /.well-known/apple-app-site-association is served" }),
    hasAssetLinks: z.boolean().openapi({ description: "Whether /.well-known/assetlinks.json is served" }),
    hasQrLogo: z.boolean().openapi({ description: "Whether the domain's QR codes can carry its logo" }),
    links: z.int().openapi({ description: "Links on the domain" }),
    createdBy: CreatedBy,
    createdAt: z.string(),
  })
  .openapi("Domain", {
    description: "A domain as listed: the large values (association files, logo) are only said to be there; GET /api/v1/domains/{hostname} has them",
  });
export type Domain = z.infer<typeof Domain>;

export const DomainDetails = Domain.extend({
  appleAppSiteAssociation: z.record(z.string(), z.unknown()).nullable().openapi({ description: "The file as served, or null" }),
  assetLinks: z.array(z.record(z.string(), z.unknown())).nullable().openapi({ description: "The file as served, or null" }),
  qrLogo: z.string().nullable().openapi({ description: "The logo's data: URL, or null" }),
}).openapi("DomainDetails", { description: "One domain with its association files and QR logo" });
export type DomainDetails = z.infer<typeof DomainDetails>;

export const DomainList = z.object({ data: z.array(Domain) }).openapi("DomainList");

export const DomainParams = z.object({ hostname: HostnameRef.openapi({ param: { name: "hostname", in: "path" } }) });
