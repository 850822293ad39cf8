import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { selectDomainsWithCounts } from "../../../db/queries/domains.ts";
import type { AppEnv } from "../../shared/app-env.ts";
import { json, problems, secured } from "../openapi.ts";
import { makersOf } from "../created-by.ts";
import { toDomain } from "./present.ts";
import { DomainList } from "./schemas.ts";

export const listDomainsRoute = createRoute({
  method: "get",
  path: "/api/v1/domains",
  tags: ["domains"],
  summary: "Every domain, the default domain first, with its redirects and number of links",
  ...secured("admin"),
  responses: {
    200: json(DomainList, "The default domain, then the others by hostname"),
    ...problems(),
  },
});

export function registerListDomains(app: OpenAPIHono<AppEnv>) {
  app.openapi(listDomainsRoute, async (c) => {
    // The default's row ("") sorts first.
    const rows = await selectDomainsWithCounts(c.var.db());
    const makers = await makersOf(c, rows.map((r) => r.createdBy));
    return c.json({ data: rows.map((r, i) => toDomain(c, r, r.links, makers[i])) }, 200);
  });
}
