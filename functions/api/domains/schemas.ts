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

export const CreateDomainInput = z.strictObject({ hostname: Hostname, ...redirects }).openapi("CreateDomainInput");
export const PatchDomainInput = z
  .strictObject(redirects)
  .openapi("PatchDomainInput", { description: "Each field optional; null clears a redirect" });

export const Domain = z
  .object({
    hostname: z.string(),
    isDefault: z.boolean().openapi({ description: "The host of PUBLIC_BASE_URL: always there, cannot be deleted" }),
    rootRedirect: z.string().nullable(),
    notFoundRedirect: z.string().nullable(),
    links: z.int().openapi({ description: "Links on the domain" }),
    createdBy: CreatedBy,
    createdAt: z.string(),
  })
  .openapi("Domain");
export type Domain = z.infer<typeof Domain>;

export const DomainList = z.object({ data: z.array(Domain) }).openapi("DomainList");

export const DomainParams = z.object({ hostname: HostnameRef.openapi({ param: { name: "hostname", in: "path" } }) });
