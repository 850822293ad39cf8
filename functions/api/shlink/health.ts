import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../shared/app-env.ts";
import { checkBackends } from "../healthz.ts";
import { SHLINK_TAG } from "./route-docs.ts";

/**
 * The Shlink version this face answers as: clients turn features on by it. 4.4 has everything served here
 * (API v3, redirect rules, visitedUrl/redirectUrl, hasRedirectRules) and nothing newer.
 */
export const SHLINK_VERSION = "4.4.0";

const Health = z
  .object({ status: z.enum(["pass", "fail"]), version: z.string(), links: z.object({ about: z.string(), project: z.string() }) })
  .openapi("ShlinkHealth");

const healthRoute = (path: string) =>
  createRoute({
    method: "get",
    path,
    tags: [SHLINK_TAG],
    summary: "Shlink's health check (no key needed): pass when Redis and Postgres answer",
    responses: {
      200: { description: "Healthy", content: { "application/health+json": { schema: Health } } },
      503: { description: "A backing service failed", content: { "application/health+json": { schema: Health } } },
    },
  });

export function registerShlinkHealth(app: OpenAPIHono<AppEnv>) {
  for (const path of ["/rest/health", "/rest/v3/health"]) {
    app.openapi(healthRoute(path), async (c) => {
      const { ok, details } = await checkBackends(c);
      if (!ok) console.error("rest health failing:", JSON.stringify(details));
      const body = {
        status: ok ? ("pass" as const) : ("fail" as const),
        version: SHLINK_VERSION,
        links: { about: "https://shlink.io", project: "https://github.com/shlinkio/shlink" },
      };
      return c.json(body, ok ? 200 : 503, { "content-type": "application/health+json", "cache-control": "no-store" });
    });
  }
}
