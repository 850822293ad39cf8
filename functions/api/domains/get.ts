import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { selectDomain } from "../../../db/queries/domains.ts";
import { DEFAULT_DOMAIN_ROW } from "../../../db/schema.ts";
import type { AppEnv } from "../../shared/app-env.ts";
import { ApiError } from "../../shared/errors.ts";
import { defaultHostname } from "../../shared/hostnames.ts";
import { json, problems, secured } from "../openapi.ts";
import { presentDomain } from "./present.ts";
import { DomainDetails, DomainParams } from "./schemas.ts";

export const getDomainRoute = createRoute({
  method: "get",
  path: "/api/v1/domains/{hostname}",
  tags: ["domains"],
  summary: "One domain with its app-association files and QR logo (the list only says whether each is set)",
  ...secured("admin"),
  request: { params: DomainParams },
  responses: {
    200: json(DomainDetails, "The domain"),
    ...problems(400, 404),
  },
});

export function registerGetDomain(app: OpenAPIHono<AppEnv>) {
  app.openapi(getDomainRoute, async (c) => {
    const { hostname } = c.req.valid("param");
    const isDefault = hostname === defaultHostname(c.var.config, c.req.url);
    // The default domain's row is made by its migration (db/migrations/0006_domains.sql), as the list expects.
    const row = await selectDomain(c.var.db(), isDefault ? DEFAULT_DOMAIN_ROW : hostname);
    if (!row) throw new ApiError(404, `No domain "${hostname}" is served here.`);
    return c.json(await presentDomain(c, row), 200);
  });
}
