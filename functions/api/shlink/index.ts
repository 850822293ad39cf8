/**
 * Shlink's REST API v3 (docs/shlink.md): a second face of the same links, keys and clicks, so Shlink's SDK,
 * web client and integrations work against this service unchanged. Every route maps onto the links API's
 * services and the same queries; nothing here is stored apart.
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import { cors } from "hono/cors";
import type { AppEnv } from "../../shared/app-env.ts";
import { webhooksAfterWrite } from "../../webhooks/kick.ts";
import { SHLINK_SECURITY_SCHEME } from "./auth.ts";
import { registerDomainVisits } from "./domain-visits.ts";
import { registerEditDomainRedirects } from "./domain-redirects.ts";
import { registerListDomains } from "./domains-list.ts";
import { shlinkErrors } from "./errors.ts";
import { registerHealth } from "./health.ts";
import { registerMercureInfo } from "./mercure-info.ts";
import { registerNonOrphanVisits } from "./non-orphan-visits.ts";
import { registerDeleteOrphanVisits } from "./orphan-visits-delete.ts";
import { registerOrphanVisits } from "./orphan-visits.ts";
import { registerGetRedirectRules } from "./redirect-rules-get.ts";
import { registerSetRedirectRules } from "./redirect-rules-set.ts";
import { registerDeleteShortUrlVisits } from "./short-url-visits-delete.ts";
import { registerShortUrlVisits } from "./short-url-visits.ts";
import { registerCreateShortUrl } from "./short-urls-create.ts";
import { registerDeleteShortUrl } from "./short-urls-delete.ts";
import { registerEditShortUrl } from "./short-urls-edit.ts";
import { registerGetShortUrl } from "./short-urls-get.ts";
import { registerListShortUrls } from "./short-urls-list.ts";
import { registerTagVisits } from "./tag-visits.ts";
import { registerDeleteTags } from "./tags-delete.ts";
import { registerListTags } from "./tags-list.ts";
import { registerRenameTag } from "./tags-rename.ts";
import { registerTagsStats } from "./tags-stats.ts";
import { registerVisitsOverview } from "./visits-overview.ts";

export const SHLINK_PATHS = "/rest/*";

/**
 * CORS of /rest: Shlink's web client is a page on another origin that sends X-Api-Key. No cookies are read
 * on /rest, so allowing every origin gives a page nothing its own requests could not do with the key.
 */
export const shlinkCors = cors({
  origin: "*",
  allowMethods: ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
  allowHeaders: ["X-Api-Key", "Content-Type", "Accept"],
  exposeHeaders: ["X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "Retry-After"],
  maxAge: 3600,
});

export function registerShlink(app: OpenAPIHono<AppEnv>) {
  app.openAPIRegistry.registerComponent("securitySchemes", SHLINK_SECURITY_SCHEME, {
    type: "apiKey",
    in: "header",
    name: "X-Api-Key",
    description: "Any API key of this service (or ADMIN_API_KEY), as Shlink's clients send it; its scopes and restrictions apply.",
  });
  app.use(SHLINK_PATHS, shlinkErrors);
  // Link writes here put events in the webhook outbox as /api/v1's do; the same run delivers them at once.
  app.use("/rest/v3/short-urls", webhooksAfterWrite);
  app.use("/rest/v3/short-urls/*", webhooksAfterWrite);
  app.use("/rest/v3/tags", webhooksAfterWrite);
  registerHealth(app);
  registerMercureInfo(app);
  registerListShortUrls(app);
  registerCreateShortUrl(app);
  registerGetShortUrl(app);
  registerEditShortUrl(app);
  registerDeleteShortUrl(app);
  registerGetRedirectRules(app);
  registerSetRedirectRules(app);
  registerShortUrlVisits(app);
  registerDeleteShortUrlVisits(app);
  registerVisitsOverview(app);
  registerOrphanVisits(app);
  registerDeleteOrphanVisits(app);
  registerNonOrphanVisits(app);
  registerTagsStats(app);
  registerListTags(app);
  registerRenameTag(app);
  registerDeleteTags(app);
  registerTagVisits(app);
  registerListDomains(app);
  registerEditDomainRedirects(app);
  registerDomainVisits(app);
}
