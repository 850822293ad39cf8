import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { selectTagStats } from "../../../db/queries/tags.ts";
import type { AppEnv } from "../../shared/app-env.ts";
import { linkScopeOf } from "../domains/resolve.ts";
import { json, problems, secured } from "../openapi.ts";
import { TagList } from "./schemas.ts";

export const listTagsRoute = createRoute({
  method: "get",
  path: "/api/v1/tags",
  tags: ["tags"],
  summary: "Every tag of the links the key sees, sorted, with how many of those links carry it and their all-time clicks",
  ...secured("links:read"),
  responses: {
    200: json(TagList, "The tags; a key restricted to some domains or to its own links sees only its links' tags, counted over those links"),
    ...problems(),
  },
});

export function registerListTags(app: OpenAPIHono<AppEnv>) {
  app.openapi(listTagsRoute, async (c) => {
    const stats = await selectTagStats(c.var.db(), linkScopeOf(c.var.principal));
    return c.json({ data: stats.map((t) => ({ tag: t.tag, links: t.links, clicks: t.total, humans: t.humans })) }, 200);
  });
}
