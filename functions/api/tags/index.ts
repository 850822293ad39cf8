/** The tags routes: list, rename and delete a tag across the links that carry it. */
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../shared/app-env.ts";
import { webhooksAfterWrite } from "../../webhooks/kick.ts";
import { registerDeleteTag } from "./delete.ts";
import { registerListTags } from "./list.ts";
import { registerRenameTag } from "./rename.ts";

export function registerTags(app: OpenAPIHono<AppEnv>) {
  // A rename or removal updates links, which puts link.updated events in the webhook outbox.
  app.use("/api/v1/tags/*", webhooksAfterWrite);
  registerListTags(app);
  registerRenameTag(app);
  registerDeleteTag(app);
}
