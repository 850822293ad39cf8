import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../shared/app-env.ts";
import { shlinkSecured } from "./auth.ts";
import { mercureNotConfigured } from "./errors.ts";
import { SHLINK_TAG, shlinkProblems } from "./route-docs.ts";

export const shlinkMercureInfoRoute = createRoute({
  method: "get",
  path: "/rest/v3/mercure-info",
  tags: [SHLINK_TAG],
  summary: "No Mercure hub here: always mercure-not-configured (501); clients then poll",
  ...shlinkSecured("links:read"),
  responses: { ...shlinkProblems(501) },
});

export function registerShlinkMercureInfo(app: OpenAPIHono<AppEnv>) {
  app.openapi(shlinkMercureInfoRoute, () => {
    throw mercureNotConfigured();
  });
}
