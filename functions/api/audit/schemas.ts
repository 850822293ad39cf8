/** The audit log's entry and the query of GET /api/v1/audit: validation and documentation in one. */
import { z } from "@hono/zod-openapi";
import { inStorableRange } from "../../shared/instants.ts";
import { isWellFormed, NOT_WELL_FORMED } from "../../shared/validation.ts";

const text = (max: number) =>
  z.string().min(1).max(max).refine((s) => !s.includes("\u0000"), "must not contain the NUL character").refine(isWellFormed, NOT_WELL_FORMED);

const Instant = z.iso
  .datetime({ offset: true })
  .refine((s) => inStorableRange(Date.parse(s)), "must be in the years 1 to 9999 (UTC)");

export const AuditQuery = z.strictObject({
  actor: text(200).optional().openapi({ description: "Only entries by this actor: a person's id (usr_...), a key's id, or admin" }),
  action: text(100).optional().openapi({ description: "Only this action, e.g. link.created, domain.deleted, session.signed_in" }),
  target: text(600).optional().openapi({ description: "Only entries about this target, e.g. link:<id>, domain:<hostname>, key:<id>" }),
  from: Instant.optional().openapi({ description: "Only entries at or after this instant (ISO 8601 with a zone)" }),
  to: Instant.optional().openapi({ description: "Only entries before this instant (ISO 8601 with a zone)" }),
  limit: z.coerce.number().int().min(1).max(100).default(50).openapi({ type: "integer", description: "Page size, 1 to 100" }),
  cursor: z.string().max(500).optional().openapi({ description: "nextCursor of the previous page (with the same filters)" }),
});

export const AuditActorSchema = z
  .object({ type: z.enum(["user", "key"]), id: z.string(), name: z.string() })
  .openapi("AuditActor", { description: "A person, or an API key (id admin: ADMIN_API_KEY)" });

export const AuditEntrySchema = z
  .object({
    id: z.string().openapi({ description: "Increases with each entry" }),
    at: z.string().openapi({ description: "When the change was made (ISO 8601, UTC)" }),
    actor: AuditActorSchema.nullable().openapi({ description: "null for a failed sign-in by someone unknown" }),
    action: z.string().openapi({ example: "link.updated" }),
    target: z.string().nullable().openapi({ example: "link:5f0c..." }),
    before: z.unknown().openapi({ description: "The resource before the change (its stored row; secrets and password hashes left out); null when created" }),
    after: z.unknown().openapi({ description: "The resource after the change; null when deleted" }),
  })
  .openapi("AuditEntry");

export type AuditEntryJson = z.infer<typeof AuditEntrySchema>;

export const AuditPage = z.object({ data: z.array(AuditEntrySchema), nextCursor: z.string().nullable() }).openapi("AuditPage");

/** The actions entries are written with (`<resource>.<verb>`), for the dashboard's filter and the docs. */
export const AUDIT_ACTIONS = [
  "link.created", "link.updated", "link.deleted", "links.imported", "tag.renamed", "tag.deleted",
  "domain.created", "domain.updated", "domain.deleted", "key.created", "key.revoked",
  "webhook.created", "webhook.updated", "webhook.deleted", "webhook.secret_rotated",
  "user.invited", "user.updated", "user.removed", "blocklist.added", "blocklist.removed", "session.signed_in", "session.sign_in_failed", "session.signed_out",
  "report.resolved",
] as const;
