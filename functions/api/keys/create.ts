import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { insertApiKey } from "../../../db/queries/api-keys.ts";
import { ApiError, type FieldError } from "../../shared/errors.ts";
import { lookupDomains } from "../domains/resolve.ts";
import { creatorId, madeByCaller } from "../created-by.ts";
import { restrictionsOf } from "./present.ts";
import type { AppEnv } from "../../shared/app-env.ts";
import type { Scope } from "../../shared/auth/scopes.ts";
import { KEY_PREFIX, KEY_RANDOM_CHARS, VISIBLE_CHARS } from "../../shared/auth/key-format.ts";
import { randomBase62, sha256Hex } from "../../shared/crypto.ts";
import { DEFAULT_DOMAIN_ROW } from "../../../db/schema.ts";
import { json, jsonBody, limitBody, problems, secured } from "../openapi.ts";
import { CreatedKey, CreateKeyInput } from "./schemas.ts";


export const createKeyRoute = createRoute({
  method: "post",
  path: "/api/v1/keys",
  tags: ["keys"],
  summary: "Mint an API key (shown once)",
  ...secured("admin", limitBody(16 * 1024)),
  request: jsonBody(CreateKeyInput),
  responses: {
    201: json(CreatedKey, "The key; store it now, it cannot be shown again"),
    ...problems(400, 413, 415, 422),
  },
});

export function registerCreateKey(app: OpenAPIHono<AppEnv>) {
  app.openapi(createKeyRoute, async (c) => {
    const { name, scopes, domains, ownLinksOnly = false } = c.req.valid("json");
    const errors: FieldError[] = [];
    if ((domains || ownLinksOnly) && scopes.includes("admin")) {
      // An admin key manages keys and domains: it could mint itself an unrestricted key.
      errors.push({ path: domains ? "domains" : "ownLinksOnly", message: "an admin key cannot be restricted" });
    }
    let stored: string[] | null = null;
    if (domains) {
      const refs = await lookupDomains(c, domains);
      domains.forEach((d, i) => {
        if (refs.get(d) === undefined) errors.push({ path: `domains.${i}`, message: "is not a domain of this service" });
      });
      stored = [...new Set(domains.map((d) => refs.get(d) ?? DEFAULT_DOMAIN_ROW))];
    }
    if (errors.length) throw new ApiError(422, "The key cannot be made so: see errors.", { errors });
    const key = KEY_PREFIX + randomBase62(KEY_RANDOM_CHARS);
    const row = await insertApiKey(c.var.db(), {
      id: crypto.randomUUID(),
      name,
      prefix: key.slice(0, VISIBLE_CHARS),
      hash: await sha256Hex(key),
      scopes: [...new Set(scopes)],
      domains: stored,
      ownLinksOnly,
      createdBy: creatorId(c.var.principal),
    }, { actor: c.var.principal ?? null, action: "key.created" });
    c.header("cache-control", "no-store");
    return c.json(
      { id: row.id, name: row.name, key, prefix: row.prefix, scopes: row.scopes as Scope[], ...restrictionsOf(c, row), createdBy: madeByCaller(c), createdAt: row.createdAt.toISOString() },
      201,
    );
  });
}
