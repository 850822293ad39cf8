import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { updateDomain } from "../../../db/queries/domains.ts";
import { DEFAULT_DOMAIN_ROW } from "../../../db/schema.ts";
import type { AppEnv } from "../../shared/app-env.ts";
import { HostnameRef } from "../../shared/hostnames.ts";
import { fieldErrors } from "../../shared/validation.ts";
import { domainsChanged } from "../domains/present.ts";
import { DomainRedirectsInput } from "../domains/schemas.ts";
import { limitBody } from "../openapi.ts";
import { shlinkSecured } from "./auth.ts";
import { toRedirects } from "./domains-list.ts";
import { domainNotFound, invalidData } from "./errors.ts";
import { findDomain } from "./lookup.ts";
import { SHLINK_TAG, shlinkJson, shlinkProblems } from "./route-docs.ts";
import { ShlinkDomainRedirects } from "./schemas.ts";

const Input = z
  .object({
    domain: HostnameRef,
    baseUrlRedirect: z.string().nullish(),
    regular404Redirect: z.string().nullish(),
    invalidShortUrlRedirect: z.string().nullish(),
  })
  .openapi("ShlinkEditDomainRedirects");

export const shlinkEditDomainRedirectsRoute = createRoute({
  method: "patch",
  path: "/rest/v3/domains/redirects",
  tags: [SHLINK_TAG],
  summary: "Set a domain's redirects (admin): baseUrlRedirect is rootRedirect, invalidShortUrlRedirect notFoundRedirect",
  description: "regular404Redirect has no counterpart (a path that is not a short code answers 404) and is ignored.",
  ...shlinkSecured("admin", limitBody(16 * 1024)),
  request: { body: { required: true, content: { "application/json": { schema: Input } } } },
  responses: { 200: shlinkJson(ShlinkDomainRedirects, "The redirects as they are now"), ...shlinkProblems(400, 404) },
});

export function registerShlinkEditDomainRedirects(app: OpenAPIHono<AppEnv>) {
  app.openapi(shlinkEditDomainRedirectsRoute, async (c) => {
    const body = c.req.valid("json");
    const parsed = DomainRedirectsInput.safeParse(
      Object.fromEntries(
        Object.entries({ rootRedirect: body.baseUrlRedirect, notFoundRedirect: body.invalidShortUrlRedirect }).filter(([, v]) => v !== undefined),
      ),
    );
    if (!parsed.success) {
      const names: Record<string, string> = { rootRedirect: "baseUrlRedirect", notFoundRedirect: "invalidShortUrlRedirect" };
      throw invalidData(fieldErrors(parsed.error.issues).map((e) => ({ ...e, path: names[e.path.split(".")[0]] ?? e.path })));
    }
    const ref = await findDomain(c, body.domain);
    if (ref === undefined) throw domainNotFound(body.domain);
    const row = await updateDomain(c.var.db(), ref ?? DEFAULT_DOMAIN_ROW, parsed.data, { actor: c.var.principal ?? null, action: "domain.updated" });
    if (!row) throw domainNotFound(body.domain);
    if (Object.keys(parsed.data).length) await domainsChanged(c);
    return c.json(toRedirects(row), 200);
  });
}
