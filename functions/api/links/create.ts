import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../shared/app-env.ts";
import { problemError } from "../../shared/errors.ts";
import { json, jsonBody, limitBody, problems, secured } from "../openapi.ts";
import { createLinks } from "./create-links.ts";
import { presentLinks } from "./present.ts";
import { CreateLinkInput, Link } from "./schemas.ts";

/**
 * A link body without routing is a few kilobytes; with the most routing allowed (50 rules of 10 conditions,
 * each a 256-character query key and a 1,024-character value, 50 rule URLs and 10 variant URLs of 2,048
 * characters) it is about 0.8 MB. 1 MiB admits that and still refuses abuse.
 */
export const MAX_LINK_BODY_BYTES = 1024 * 1024;

export const createLinkRoute = createRoute({
  method: "post",
  path: "/api/v1/links",
  tags: ["links"],
  summary: "Shorten a URL (random or custom slug)",
  description:
    "Optional `rules` (ordered; the first whose conditions all match is served) and `variants` (an A/B split of " +
    "the visits no rule took) route each visitor. On the redirect: password, then expiry and click limit, then " +
    "rules, then variants, then `url`; the query is forwarded onto whichever URL is chosen.",
  ...secured("links:write", limitBody(MAX_LINK_BODY_BYTES)),
  request: jsonBody(CreateLinkInput),
  responses: {
    201: json(Link, "The link, live at once"),
    ...problems(400, 409, 413, 415, 422),
  },
});

export function registerCreateLink(app: OpenAPIHono<AppEnv>) {
  app.openapi(createLinkRoute, async (c) => {
    const [outcome] = await createLinks(c, [c.req.valid("json")]);
    if (!outcome.ok) throw problemError(outcome.problem);
    const [link] = await presentLinks(c, [outcome.row], true);
    c.header("location", `/api/v1/links/${encodeURIComponent(link.slug)}`);
    return c.json(link, 201);
  });
}
