/**
 * What the OpenAPI document says about security: bearer auth on every /api/v1 route, with the scope the route
 * enforces, for exactly the routes of the scope table (helpers/route-scopes.ts) that links.security.test.ts
 * calls as every kind of caller; and none for exactly its public routes.
 */
import { describe, expect, it } from "vitest";
import { publicRoutes, routeScopes } from "./helpers/route-scopes.ts";
import { call } from "./helpers/worker.ts";

describe("the OpenAPI document", () => {
  it("declares bearer auth with the scope each route enforces, for exactly the routes of the scope table", async () => {
    const doc = (await (await call("GET", "/openapi.json", { key: null })).json()) as any;
    expect(doc.components.securitySchemes.apiKey).toMatchObject({ type: "http", scheme: "bearer" });
    const documented: Record<string, string> = {};
    const open: string[] = [];
    for (const [path, ops] of Object.entries<any>(doc.paths)) {
      if (!path.startsWith("/api/v1/")) continue;
      for (const [method, op] of Object.entries<any>(ops)) {
        // A public route (a report of a link) says so with an empty requirement, and is listed as public.
        if (Array.isArray(op.security) && op.security.length === 0) {
          open.push(`${method.toUpperCase()} ${path}`);
          expect(op.responses["401"], `${method} ${path} 401`).toBeUndefined();
          continue;
        }
        expect(op.security, `${method} ${path}`).toHaveLength(1);
        documented[`${method.toUpperCase()} ${path}`] = op.security[0].apiKey[0];
        for (const s of ["401", "403", "429"]) expect(op.responses[s], `${method} ${path} ${s}`).toBeDefined();
      }
    }
    // Every /api/v1 route must be in the scope table: a new route joins it (and its tests) when it is added.
    expect(documented).toEqual(Object.fromEntries(routeScopes.map((r) => [r.route, r.scope])));
    expect(open.sort()).toEqual(publicRoutes.map((r) => r.route).sort());
  });
});
