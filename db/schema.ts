export * from "./schema/api-keys.ts";
export * from "./schema/click-inbox.ts";
export * from "./schema/clicks.ts";
export * from "./schema/domains.ts";
export * from "./schema/links.ts";
export * from "./schema/rollups.ts";
export * from "./schema/webhooks.ts";
export * from "./schema/imports.ts";
