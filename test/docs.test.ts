/** /openapi.json generated from the route schemas, and /docs rendering it with Swagger UI from our own assets. */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call } from "./api.ts";

describe("GET /openapi.json", () => {
  it("is an OpenAPI 3.1 document of the links and keys routes, with the Link schema of the contract", async () => {
    const res = await call("GET", "/openapi.json", { key: null });
    expect(res.status).toBe(200);
    const doc = (await res.json()) as any;
    expect(doc.openapi).toBe("3.1.0");
    for (const path of ["/api/v1/links", "/api/v1/links/bulk", "/api/v1/links/{slug}", "/api/v1/keys", "/api/v1/keys/{id}"]) {
      expect(doc.paths[path], path).toBeDefined();
    }
    expect(Object.keys(doc.paths["/api/v1/links/{slug}"]).sort()).toEqual(["delete", "get", "patch"]);
    expect(doc.components.schemas.Link.required.sort()).toEqual([
      "clicks", "createdAt", "expiresAt", "fallbackUrl", "hasPassword", "id", "maxClicks", "redirectType", "shortUrl",
      "slug", "tags", "title", "updatedAt", "url",
    ]);
    expect(doc.components.schemas.Link.properties.redirectType.enum).toEqual([301, 302, 307, 308]);
    expect(doc.components.schemas.CreateLinkInput.additionalProperties).toBe(false);
    expect(doc.components.schemas.BulkCreateInput.properties.links.items).toEqual({ $ref: "#/components/schemas/CreateLinkInput" });
    const create = doc.paths["/api/v1/links"].post;
    expect(create.requestBody.content["application/json"].schema).toEqual({ $ref: "#/components/schemas/CreateLinkInput" });
    expect(create.responses["422"].content["application/problem+json"]).toBeDefined();
  });
});

describe("GET /docs", () => {
  it("renders Swagger UI from this origin only, with a CSP that allows nothing else", async () => {
    const res = await call("GET", "/docs", { key: null });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await res.text();
    const refs = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(refs.sort()).toEqual(["/docs/swagger-ui/favicon-32x32.png", "/docs/swagger-ui/swagger-ui-bundle.js", "/docs/swagger-ui/swagger-ui.css"]);
    expect(html).toContain('url: "/openapi.json"');
    expect(html).not.toMatch(/https?:\/\//);
    const csp = res.headers.get("content-security-policy")!;
    expect(csp).toMatch(/default-src 'self'/);
    const inline = /<script>([^<]*)<\/script>/.exec(html)![1];
    const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(inline));
    expect(csp).toContain(`'sha256-${btoa(String.fromCharCode(...new Uint8Array(digest)))}'`);
  });

  it("has the viewer's files in the Worker's static assets", async () => {
    const assets = (env as unknown as { ASSETS: Fetcher }).ASSETS;
    const js = await assets.fetch("http://sho.rt/docs/swagger-ui/swagger-ui-bundle.js");
    expect(js.status).toBe(200);
    const code = await js.text();
    expect(code.length).toBeGreaterThan(500_000);
    expect(code).toContain("SwaggerUIBundle");
    const css = await assets.fetch("http://sho.rt/docs/swagger-ui/swagger-ui.css");
    expect(css.status).toBe(200);
    expect(css.headers.get("content-type")).toMatch(/^text\/css/);
    await css.arrayBuffer();
  });
});
