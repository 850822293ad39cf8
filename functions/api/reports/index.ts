/** The reports routes: anyone files one, admins work through the queue (docs/abuse.md). */
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../shared/app-env.ts";
import { registerCreateReport } from "./create.ts";
import { registerListReports } from "./list.ts";
import { registerResolveReport } from "./resolve.ts";

export function registerReports(app: OpenAPIHono<AppEnv>) {
  registerCreateReport(app);
  registerListReports(app);
  registerResolveReport(app);
}
