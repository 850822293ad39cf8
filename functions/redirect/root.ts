/** GET and HEAD /: a domain's root. Its rootRedirect; without one, the dashboard on the default domain, 404 on the others. */
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../shared/app-env.ts";
import { problemContent } from "../shared/problem-schema.ts";
import { getDomainTable } from "./domain-cache.ts";
import { resolveDomain } from "./find-link.ts";
import { redirectTo } from "./respond.ts";
import { lookupServices, notFound, orUnavailable } from "./serve-link.ts";
import { redirectDoc } from "./slug-route.ts";

export const rootRoute = createRoute({
  method: "get",
  path: "/",
  tags: ["redirect"],
  summary: "A domain's root",
  description:
    "302 to the domain's `rootRedirect`; without one, 302 to `/app` on the default domain and 404 on the others. " +
    "`Cache-Control: private, no-store`, so a changed rootRedirect applies at once.",
  responses: {
    302: redirectDoc("The domain's rootRedirect, or the dashboard"),
    404: { description: "A custom domain without a rootRedirect", content: problemContent },
    503: { description: "Neither Redis nor Postgres answered", content: problemContent },
  },
});

export function registerRoot(app: OpenAPIHono<AppEnv>) {
  app.openapi(rootRoute, async (c) => {
    const s = lookupServices(c);
    const url = new URL(c.req.url);
    const { domain, table: known } = await orUnavailable(resolveDomain(s, url));
    const table = known ?? (await orUnavailable(getDomainTable(s)));
    const target = domain === null ? table.defaultDomain.rootRedirect : table.custom[domain]?.rootRedirect;
    if (target) return redirectTo(302, target);
    if (domain !== null) throw notFound();
    const base = c.var.config.PUBLIC_BASE_URL?.replace(/\/+$/, "") ?? url.origin;
    return redirectTo(302, `${base}/app`);
  });
}
