/** Every /api/v1 route, the docs page, and the security scheme the OpenAPI document declares for them. */
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../shared/app-env.ts";
import { registerListAudit } from "./audit/list.ts";
import { registerDocs } from "./docs.ts";
import { registerCreateDomain } from "./domains/create.ts";
import { registerDeleteDomain } from "./domains/delete.ts";
import { registerGetDomain } from "./domains/get.ts";
import { registerListDomains } from "./domains/list.ts";
import { registerPatchDomain } from "./domains/patch.ts";
import { registerIngestFlush } from "./ingest/flush.ts";
import { registerIngestReplay } from "./ingest/replay.ts";
import { registerIngestStatus } from "./ingest/status.ts";
import { registerCreateKey } from "./keys/create.ts";
import { registerListKeys } from "./keys/list.ts";
import { registerRevokeKey } from "./keys/revoke.ts";
import { registerBulkCreate } from "./links/bulk.ts";
import { registerExportLinks } from "./links/export.ts";
import { registerImportLinks } from "./links/import.ts";
import { registerGetImport } from "./imports/get.ts";
import { registerCreateLink } from "./links/create.ts";
import { registerDeleteLink } from "./links/delete.ts";
import { registerGetLink } from "./links/get.ts";
import { registerListLinks } from "./links/list.ts";
import { registerPatchLink } from "./links/patch.ts";
import { registerLinkQr } from "./links/qr.ts";
import { registerSecurityScheme } from "./openapi.ts";
import { registerAllStats } from "./stats/all.ts";
import { registerLinkStats } from "./stats/link.ts";
import { registerTags } from "./tags/index.ts";
import { registerCreateUser } from "./users/create.ts";
import { registerDeleteUser } from "./users/delete.ts";
import { registerListUsers } from "./users/list.ts";
import { registerPatchUser } from "./users/patch.ts";
import { registerWebhooks } from "./webhooks/index.ts";
import { webhooksAfterWrite } from "../webhooks/kick.ts";
import { healthAfterWrite } from "../health/after-write.ts";

export function registerApi(app: OpenAPIHono<AppEnv>) {
  registerSecurityScheme(app);
  // Link writes put events in the webhook outbox (a trigger); a run right after delivers them.
  app.use("/api/v1/links", webhooksAfterWrite);
  app.use("/api/v1/links/*", webhooksAfterWrite);
  // A new or re-pointed destination comes due for a health check: the cron's idle check must know.
  app.use("/api/v1/links", healthAfterWrite);
  app.use("/api/v1/links/*", healthAfterWrite);
  // Literal paths before parameterised ones: /links/bulk must not be read as the slug "bulk".
  registerBulkCreate(app);
  registerImportLinks(app);
  registerExportLinks(app);
  registerGetImport(app);
  registerCreateLink(app);
  registerListLinks(app);
  registerGetLink(app);
  registerPatchLink(app);
  registerDeleteLink(app);
  registerLinkStats(app);
  registerLinkQr(app);
  registerAllStats(app);
  registerTags(app);
  registerCreateKey(app);
  registerListKeys(app);
  registerRevokeKey(app);
  registerCreateDomain(app);
  registerListDomains(app);
  registerGetDomain(app);
  registerPatchDomain(app);
  registerDeleteDomain(app);
  registerCreateUser(app);
  registerListUsers(app);
  registerPatchUser(app);
  registerDeleteUser(app);
  registerIngestFlush(app);
  registerIngestStatus(app);
  registerIngestReplay(app);
  registerWebhooks(app);
  registerListAudit(app);
  registerDocs(app);
}
