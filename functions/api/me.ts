import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../shared/app-env.ts";
import { authenticate, scopes } from "../shared/auth.ts";

const Me = z
  .object({
    keyId: z.string().openapi({ description: 'The API key\'s id, or "admin" for ADMIN_API_KEY.' }),
    scopes: z.array(z.enum(scopes)),
  })
  .openapi("Me");

/**
 * Who the caller is, for any valid key whatever its scopes: the dashboard signs a person in with it and
 * shows only the pages their key may use (the API still checks every call).
 */
export const meRoute = createRoute({
  method: "get",
  path: "/api/v1/me",
  tags: ["keys"],
  summary: "The calling API key and its scopes",
  security: [{ bearer: [] }],
  responses: {
    200: { description: "The key is valid", content: { "application/json": { schema: Me } } },
    401: { description: "No key, or an unknown or revoked one" },
  },
});

export function registerMe(app: OpenAPIHono<AppEnv>) {
  app.openapi(meRoute, async (c) => {
    const principal = await authenticate(c);
    c.header("cache-control", "no-store");
    return c.json({ keyId: principal.keyId, scopes: [...principal.scopes] }, 200);
  });
}
