import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { deleteDomain } from "../../../db/queries/domains.ts";
import { isForeignKeyViolation } from "../../../db/queries/links.ts";
import type { AppEnv } from "../../shared/app-env.ts";
import { ApiError } from "../../shared/errors.ts";
import { defaultHostname } from "../../shared/hostnames.ts";
import { problems, rateLimitHeaderDocs, secured } from "../openapi.ts";
import { domainsChanged } from "./present.ts";
import { DomainParams } from "./schemas.ts";

export const deleteDomainRoute = createRoute({
  method: "delete",
  path: "/api/v1/domains/{hostname}",
  tags: ["domains"],
  summary: "Remove a custom domain without links; the default domain cannot be removed",
  ...secured("admin"),
  request: { params: DomainParams },
  responses: {
    204: { description: "Removed; its host is served as the default domain from then on", headers: rateLimitHeaderDocs },
    ...problems(400, 404, 409),
  },
});

export function registerDeleteDomain(app: OpenAPIHono<AppEnv>) {
  app.openapi(deleteDomainRoute, async (c) => {
    const { hostname } = c.req.valid("param");
    if (hostname === defaultHostname(c.var.config, c.req.url)) {
      throw new ApiError(409, "The default domain (the host of PUBLIC_BASE_URL) cannot be removed.");
    }
    let row;
    try {
      // The foreign key of links.domain refuses it while a link uses the domain, atomically.
      row = await deleteDomain(c.var.db(), hostname, { actor: c.var.principal ?? null, action: "domain.deleted" });
    } catch (e) {
      if (!isForeignKeyViolation(e)) throw e;
      throw new ApiError(409, `Links still use the domain "${hostname}": delete or move them first.`);
    }
    if (!row) throw new ApiError(404, `No domain "${hostname}" is served here.`);
    await domainsChanged(c, { redirects: true, appFilesOf: hostname });
    return c.body(null, 204);
  });
}
