import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { updateDomain } from "../../../db/queries/domains.ts";
import { DEFAULT_DOMAIN_ROW } from "../../../db/schema.ts";
import type { AppEnv } from "../../shared/app-env.ts";
import { ApiError } from "../../shared/errors.ts";
import { defaultHostname } from "../../shared/hostnames.ts";
import { json, jsonBody, limitBody, problems, secured } from "../openapi.ts";
import { appFileColumns, changesAppFiles, MAX_DOMAIN_BODY_BYTES } from "./app-files.ts";
import { domainsChanged, presentDomain } from "./present.ts";
import { DomainDetails, DomainParams, PatchDomainInput } from "./schemas.ts";

export const patchDomainRoute = createRoute({
  method: "patch",
  path: "/api/v1/domains/{hostname}",
  tags: ["domains"],
  summary:
    "Set a domain's root and not-found redirects, app-association files and QR logo (null clears one); the next " +
    "redirect and the next /.well-known/ request use them",
  ...secured("admin", limitBody(MAX_DOMAIN_BODY_BYTES)),
  request: { params: DomainParams, ...jsonBody(PatchDomainInput) },
  responses: {
    200: json(DomainDetails, "The domain as it is now"),
    ...problems(400, 404, 413, 415, 422),
  },
});

export function registerPatchDomain(app: OpenAPIHono<AppEnv>) {
  app.openapi(patchDomainRoute, async (c) => {
    const { hostname } = c.req.valid("param");
    const input = c.req.valid("json");
    const key = hostname === defaultHostname(c.var.config, c.req.url) ? DEFAULT_DOMAIN_ROW : hostname;
    const redirects: { rootRedirect?: string | null; notFoundRedirect?: string | null } = {};
    if (input.rootRedirect !== undefined) redirects.rootRedirect = input.rootRedirect;
    if (input.notFoundRedirect !== undefined) redirects.notFoundRedirect = input.notFoundRedirect;
    const files = appFileColumns(input);
    const row = await updateDomain(c.var.db(), key, { ...redirects, ...files }, { actor: c.var.principal ?? null, action: "domain.updated" });
    if (!row) throw new ApiError(404, `No domain "${hostname}" is served here.`);
    await domainsChanged(c, {
      redirects: Object.keys(redirects).length > 0,
      ...(changesAppFiles(files) ? { appFilesOf: key === DEFAULT_DOMAIN_ROW ? null : key } : {}),
    });
    return c.json(await presentDomain(c, row), 200);
  });
}
