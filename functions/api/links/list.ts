import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { listLinks } from "../../../db/queries/links.ts";
import type { AppEnv } from "../../shared/app-env.ts";
import { ApiError } from "../../shared/errors.ts";
import { json, problems, secured } from "../openapi.ts";
import { linkScopeOf, resolveDomainRef } from "../domains/resolve.ts";
import { decodeCursor, encodeCursor } from "./cursor.ts";
import { presentLinks } from "./present.ts";
import { LinkPage, ListQuery } from "./schemas.ts";

export const listLinksRoute = createRoute({
  method: "get",
  path: "/api/v1/links",
  tags: ["links"],
  summary: "Links, newest first, a page at a time; search, tag, domain, maker and health filters",
  description:
    "Pass `nextCursor` back as `cursor` for the next page (with the same q, tag, domain, createdBy and health: a cursor is signed for them); it is null on the last page. " +
    "A key restricted to some domains or to its own links lists only those.",
  ...secured("links:read"),
  request: { query: ListQuery },
  responses: {
    200: json(LinkPage, "A page of links"),
    ...problems(400, 404),
  },
});

export function registerListLinks(app: OpenAPIHono<AppEnv>) {
  app.openapi(listLinksRoute, async (c) => {
    const { limit, cursor, q, tag, domain: hostname, createdBy, health } = c.req.valid("query");
    const config = c.var.config;
    const filters = { q, tag, domain: hostname, createdBy, health };
    const after = cursor === undefined ? undefined : await decodeCursor(config, cursor, filters);
    if (after === null) {
      throw new ApiError(400, "The cursor is not one this API issued.", {
        errors: [{ path: "cursor", message: "is not a valid cursor: pass nextCursor from a previous page, with the same q, tag, domain, createdBy and health" }],
      });
    }
    const domain = hostname === undefined ? undefined : await resolveDomainRef(c, hostname);
    const { rows, next } = await listLinks(c.var.db(), { limit, after, q, tag, domain, createdBy, health, scope: linkScopeOf(c.var.principal) });
    const data = await presentLinks(c, rows);
    return c.json({ data, nextCursor: next ? await encodeCursor(config, next, filters) : null }, 200);
  });
}
