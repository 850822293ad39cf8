import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { insertDomain } from "../../../db/queries/domains.ts";
import type { AppEnv } from "../../shared/app-env.ts";
import { ApiError } from "../../shared/errors.ts";
import { defaultHostname } from "../../shared/hostnames.ts";
import { json, jsonBody, limitBody, problems, secured } from "../openapi.ts";
import { creatorId, madeByCaller } from "../created-by.ts";
import { appFileColumns, MAX_DOMAIN_BODY_BYTES } from "./app-files.ts";
import { domainsChanged, presentDomain } from "./present.ts";
import { CreateDomainInput, DomainDetails } from "./schemas.ts";

export const createDomainRoute = createRoute({
  method: "post",
  path: "/api/v1/domains",
  tags: ["domains"],
  summary: "Add a custom domain; point its DNS at the Worker (docs/domains.md) for it to serve links",
  ...secured("admin", limitBody(MAX_DOMAIN_BODY_BYTES)),
  request: jsonBody(CreateDomainInput),
  responses: {
    201: json(DomainDetails, "The domain; links can be created on it at once"),
    ...problems(400, 409, 413, 415, 422),
  },
});

export function registerCreateDomain(app: OpenAPIHono<AppEnv>) {
  app.openapi(createDomainRoute, async (c) => {
    const input = c.req.valid("json");
    const { hostname, rootRedirect, notFoundRedirect } = input;
    const exists = () => new ApiError(409, `The domain "${hostname}" exists.`, { errors: [{ path: "hostname", message: "exists" }] });
    // The default domain always exists, under PUBLIC_BASE_URL's host.
    if (hostname === defaultHostname(c.var.config, c.req.url)) throw exists();
    const files = appFileColumns(input);
    const row = await insertDomain(
      c.var.db(),
      { hostname, rootRedirect: rootRedirect ?? null, notFoundRedirect: notFoundRedirect ?? null, ...files, createdBy: creatorId(c.var.principal) },
      { actor: c.var.principal ?? null, action: "domain.created" },
    );
    if (!row) throw exists();
    // Its host was served as the default domain until now: a leftover of an earlier domain of that name goes too.
    await domainsChanged(c, { redirects: true, appFilesOf: hostname });
    c.header("location", `/api/v1/domains/${hostname}`);
    return c.json(await presentDomain(c, row, { links: 0, createdBy: madeByCaller(c) }), 201);
  });
}
