/**
 * QStash's callbacks for deliveries it makes (functions/webhooks/qstash.ts): `outcome=success` with the
 * receiver's answer, `outcome=failure` once its retries are spent. QStash is recognised by a valid
 * Upstash-Signature (a JWT over this very URL, query included, and the SHA-256 of the body, under
 * QSTASH_CURRENT_SIGNING_KEY or QSTASH_NEXT_SIGNING_KEY); an admin key is accepted too. A failure is judged like a failed attempt:
 * a 410 disables the endpoint, anything else is published again later, freshly signed, until the
 * delivery's give-up time.
 */
import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { recordSuccess, selectDelivery } from "../../../db/queries/webhook-deliveries.ts";
import type { AppEnv } from "../../shared/app-env.ts";
import { adminOrQStash } from "../ingest/auth.ts";
import { judge, settle } from "../../webhooks/deliver.ts";
import { webhookSettings } from "../../webhooks/settings.ts";
import { noteWorkDue } from "../../shared/work-due.ts";
import { problems, SECURITY_SCHEME } from "../openapi.ts";
import { QStashCallbackBody, QStashCallbackQuery } from "./schemas.ts";

export const qstashCallbackRoute = createRoute({
  method: "post",
  path: "/api/v1/webhooks/qstash-callback",
  tags: ["webhooks"],
  summary: "QStash's report of a webhook delivery (QStash-signed calls only)",
  security: [{ [SECURITY_SCHEME]: ["admin"] }],
  // QStash by its signature (or an admin key, which may do anything anyway): see functions/api/ingest/auth.ts.
  middleware: [adminOrQStash] as const,
  request: {
    query: QStashCallbackQuery,
    body: { required: true, content: { "application/json": { schema: QStashCallbackBody } } },
  },
  responses: {
    200: { description: "Recorded", content: { "application/json": { schema: z.object({ recorded: z.boolean() }) } } },
    ...problems(400, 413, 415),
  },
});

export function registerQStashCallback(app: OpenAPIHono<AppEnv>) {
  app.openapi(qstashCallbackRoute, async (c) => {
    const { delivery: id, outcome } = c.req.valid("query");
    const report = c.req.valid("json");
    const db = c.var.db();
    const found = await selectDelivery(db, null, id);
    // Gone with its endpoint, or already settled: nothing to record, and QStash must not call again.
    if (!found || found.delivery.status === "succeeded" || found.delivery.status === "failed") return c.json({ recorded: false }, 200);
    const status = report.status ?? null;
    const answered = judge(status);
    if (outcome === "success") {
      if (!answered.ok) return c.json({ recorded: false }, 200);
      await recordSuccess(db, found.delivery, status);
      return c.json({ recorded: true }, 200);
    }
    // QStash's report (status, error) is judged like an attempt of ours: the log says no more than "unreachable".
    await settle(db, webhookSettings(c.var.config), found.delivery, judge(answered.ok ? null : status));
    // Retried later by the cron: its idle check must know when.
    const { redis, config } = c.var;
    c.var.defer("work due", () => noteWorkDue(redis, db, config));
    return c.json({ recorded: true }, 200);
  });
}
