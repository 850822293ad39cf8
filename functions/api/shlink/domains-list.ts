import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { selectDomains, type DomainRedirectsRow } from "../../../db/queries/domains.ts";
import { DEFAULT_DOMAIN_ROW } from "../../../db/schema.ts";
import type { AppEnv } from "../../shared/app-env.ts";
import { hostnameOf, mayUseDomain } from "../domains/resolve.ts";
import { shlinkSecured } from "./auth.ts";
import { SHLINK_TAG, shlinkJson, shlinkProblems } from "./route-docs.ts";
import { ShlinkDomainRedirects } from "./schemas.ts";

/** Our two redirects in Shlink's three: it tells a 404 of a path from a 404 of a short code; we do not. */
export const toRedirects = (row: DomainRedirectsRow | undefined) => ({
  baseUrlRedirect: row?.rootRedirect ?? null,
  regular404Redirect: null,
  invalidShortUrlRedirect: row?.notFoundRedirect ?? null,
});

export const shlinkListDomainsRoute = createRoute({
  method: "get",
  path: "/rest/v3/domains",
  tags: [SHLINK_TAG],
  summary: "The domains the key may use, the default first, with their redirects",
  ...shlinkSecured("links:read"),
  responses: {
    200: shlinkJson(
      z.object({
        domains: z.object({
          data: z.array(z.object({ domain: z.string(), isDefault: z.boolean(), redirects: ShlinkDomainRedirects })),
          defaultRedirects: ShlinkDomainRedirects,
        }),
      }),
      "Domains",
    ),
    ...shlinkProblems(),
  },
});

export function registerShlinkListDomains(app: OpenAPIHono<AppEnv>) {
  app.openapi(shlinkListDomainsRoute, async (c) => {
    const rows = await selectDomains(c.var.db());
    const principal = c.var.principal;
    const defaultRow = rows.find((r) => r.hostname === DEFAULT_DOMAIN_ROW);
    const data = [
      { domain: hostnameOf(c, null), isDefault: true, redirects: toRedirects(defaultRow) },
      ...rows
        .filter((r) => r.hostname !== DEFAULT_DOMAIN_ROW && mayUseDomain(principal, r.hostname))
        .map((r) => ({ domain: r.hostname, isDefault: false, redirects: toRedirects(r) })),
    ].filter((d) => !d.isDefault || mayUseDomain(principal, null));
    return c.json({ domains: { data, defaultRedirects: toRedirects(defaultRow) } }, 200);
  });
}
