import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../shared/app-env.ts";
import { shlinkSecured } from "./auth.ts";
import { SHLINK_TAG, shlinkJson, shlinkProblems } from "./route-docs.ts";

export const shlinkDeleteOrphanVisitsRoute = createRoute({
  method: "delete",
  path: "/rest/v3/visits/orphan",
  tags: [SHLINK_TAG],
  summary: "Delete orphan visits: there are none here, so none are deleted",
  ...shlinkSecured("links:write"),
  responses: { 200: shlinkJson(z.object({ deletedVisits: z.int() }), "How many were deleted: 0"), ...shlinkProblems() },
});

export function registerShlinkDeleteOrphanVisits(app: OpenAPIHono<AppEnv>) {
  app.openapi(shlinkDeleteOrphanVisitsRoute, (c) => c.json({ deletedVisits: 0 }, 200));
}
