import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { listBlockedHosts } from "../../../db/queries/blocklist.ts";
import type { AppEnv } from "../../shared/app-env.ts";
import { ApiError } from "../../shared/errors.ts";
import { makersOf } from "../created-by.ts";
import { json, problems, secured } from "../openapi.ts";
import { decodeBlocklistCursor, encodeBlocklistCursor } from "./cursor.ts";
import { toBlockedHost } from "./present.ts";
import { BlocklistPage, BlocklistQuery } from "./schemas.ts";

export const listBlocklistRoute = createRoute({
  method: "get",
  path: "/api/v1/blocklist",
  tags: ["abuse"],
  summary: "The hosts no link may point to, a page at a time in host order",
  description: "Pass `nextCursor` back as `cursor` for the next page; it is null on the last page.",
  ...secured("admin"),
  request: { query: BlocklistQuery },
  responses: { 200: json(BlocklistPage, "A page of rules"), ...problems(400) },
});

export function registerListBlocklist(app: OpenAPIHono<AppEnv>) {
  app.openapi(listBlocklistRoute, async (c) => {
    const { limit, cursor } = c.req.valid("query");
    const after = cursor === undefined ? undefined : await decodeBlocklistCursor(c.var.config, cursor);
    if (after === null) {
      throw new ApiError(400, "The cursor is not one this API issued.", { errors: [{ path: "cursor", message: "is not a valid cursor: pass nextCursor from a previous page" }] });
    }
    const { rows, more } = await listBlockedHosts(c.var.db(), limit, after);
    const makers = await makersOf(c, rows.map((r) => r.createdBy));
    const nextCursor = more ? await encodeBlocklistCursor(c.var.config, rows[rows.length - 1].host) : null;
    return c.json({ data: rows.map((r, i) => toBlockedHost(r, makers[i])), nextCursor }, 200);
  });
}
