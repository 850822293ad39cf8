/** The webhook routes (admin), literal paths before parameterised ones. */
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../shared/app-env.ts";
import { registerCreateWebhook } from "./create.ts";
import { registerDeleteWebhook } from "./delete.ts";
import { registerListDeliveries } from "./deliveries.ts";
import { registerGetWebhook } from "./get.ts";
import { registerListWebhooks } from "./list.ts";
import { registerPatchWebhook } from "./patch.ts";
import { registerQStashCallback } from "./qstash-callback.ts";
import { registerRetryDelivery } from "./retry.ts";
import { registerRotateSecret } from "./rotate.ts";
import { registerTestWebhook } from "./test.ts";

export function registerWebhooks(app: OpenAPIHono<AppEnv>) {
  registerQStashCallback(app);
  registerCreateWebhook(app);
  registerListWebhooks(app);
  registerGetWebhook(app);
  registerPatchWebhook(app);
  registerDeleteWebhook(app);
  registerTestWebhook(app);
  registerRotateSecret(app);
  registerListDeliveries(app);
  registerRetryDelivery(app);
}
