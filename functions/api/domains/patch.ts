import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { updateDomain } from "../../../db/queries/domains.ts";
import { DEFAULT_DOMAIN_ROW } from "../../../db/schema.ts";
import type { AppEnv } from "../../shared/app-env.ts";
import { ApiError } from "../../shared/errors.ts";
import { defaultHostname } from "../../shared/hostnames.ts";
import { json, jsonBody, limitBody, problems, secured } from "../openapi.ts";
import { domainsChanged, presentDomain } from "./present.ts";
import { Domain, DomainParams, PatchDomainInput } from "./schemas.ts";

export const patchDomainRoute = createRoute({
  method: "patch",
  path: "/api/v1/domains/{hostname}",
  tags: ["domains"],
  summary: "Set a domain's root and not-found redirects (null clears one); the next redirect uses them",
  ...secured("admin", limitBody(16 * 1024)),
  request: { params: DomainParams, ...jsonBody(PatchDomainInput) },
  responses: {
    200: json(Domain, "The domain as it is now"),
    ...problems(400, 404, 413, 415),
  },
});

export function registerPatchDomain(app: OpenAPIHono<AppEnv>) {
  app.openapi(patchDomainRoute, async (c) => {
    const { hostname } = c.req.valid("param");
    const input = c.req.valid("json");
    const key = hostname === defaultHostname(c.var.config, c.req.url) ? DEFAULT_DOMAIN_ROW : hostname;
    const values: { rootRedirect?: string | null; notFoundRedirect?: string | null } = {};
    if (input.rootRedirect !== undefined) values.rootRedirect = input.rootRedirect;
    if (input.notFoundRedirect !== undefined) values.notFoundRedirect = input.notFoundRedirect;
    const row = await updateDomain(c.var.db(), key, values, { actor: c.var.principal ?? null, action: "domain.updated" });
    if (!row) throw new ApiError(404, `No domain "${hostname}" is served here.`);
    if (Object.keys(values).length) await domainsChanged(c);
    return c.json(await presentDomain(c, row), 200);
  });
}
