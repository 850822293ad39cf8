/**
 * Shlink's REST API v3 (docs/shlink.md): a second face of the same links, keys and clicks, so Shlink's SDK,
 * web client and integrations work against this service unchanged. Every route maps onto the links API's
 * services and the same queries; nothing here is stored apart.
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import { cors } from "hono/cors";
import type { AppEnv } from "../../shared/app-env.ts";
import { webhooksAfterWrite } from "../../webhooks/kick.ts";
import { healthAfterWrite } from "../../health/after-write.ts";
import { SHLINK_SECURITY_SCHEME } from "./auth.ts";
import { registerShlinkDomainVisits } from "./domain-visits.ts";
import { registerShlinkEditDomainRedirects } from "./domain-redirects.ts";
import { registerShlinkListDomains } from "./domains-list.ts";
import { shlinkErrors } from "./errors.ts";
import { registerShlinkHealth } from "./health.ts";
import { registerShlinkMercureInfo } from "./mercure-info.ts";
import { registerShlinkNonOrphanVisits } from "./non-orphan-visits.ts";
import { registerShlinkDeleteOrphanVisits } from "./orphan-visits-delete.ts";
import { registerShlinkOrphanVisits } from "./orphan-visits.ts";
import { registerShlinkGetRedirectRules } from "./redirect-rules-get.ts";
import { registerShlinkSetRedirectRules } from "./redirect-rules-set.ts";
import { registerShlinkDeleteShortUrlVisits } from "./short-url-visits-delete.ts";
import { registerShlinkShortUrlVisits } from "./short-url-visits.ts";
import { registerShlinkCreateShortUrl } from "./short-urls-create.ts";
import { registerShlinkDeleteShortUrl } from "./short-urls-delete.ts";
import { registerShlinkEditShortUrl } from "./short-urls-edit.ts";
import { registerShlinkGetShortUrl } from "./short-urls-get.ts";
import { registerShlinkListShortUrls } from "./short-urls-list.ts";
import { registerShlinkTagVisits } from "./tag-visits.ts";
import { registerShlinkDeleteTags } from "./tags-delete.ts";
import { registerShlinkListTags } from "./tags-list.ts";
import { registerShlinkRenameTag } from "./tags-rename.ts";
import { registerShlinkTagsStats } from "./tags-stats.ts";
import { registerShlinkVisitsOverview } from "./visits-overview.ts";

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
  app.use("/rest/v3/short-urls", healthAfterWrite);
  app.use("/rest/v3/short-urls/*", healthAfterWrite);
  app.use("/rest/v3/tags", webhooksAfterWrite);
  registerShlinkHealth(app);
  registerShlinkMercureInfo(app);
  registerShlinkListShortUrls(app);
  registerShlinkCreateShortUrl(app);
  registerShlinkGetShortUrl(app);
  registerShlinkEditShortUrl(app);
  registerShlinkDeleteShortUrl(app);
  registerShlinkGetRedirectRules(app);
  registerShlinkSetRedirectRules(app);
  registerShlinkShortUrlVisits(app);
  registerShlinkDeleteShortUrlVisits(app);
  registerShlinkVisitsOverview(app);
  registerShlinkOrphanVisits(app);
  registerShlinkDeleteOrphanVisits(app);
  registerShlinkNonOrphanVisits(app);
  registerShlinkTagsStats(app);
  registerShlinkListTags(app);
  registerShlinkRenameTag(app);
  registerShlinkDeleteTags(app);
  registerShlinkTagVisits(app);
  registerShlinkListDomains(app);
  registerShlinkEditDomainRedirects(app);
  registerShlinkDomainVisits(app);
}
