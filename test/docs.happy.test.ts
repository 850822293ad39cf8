/** /docs: the OpenAPI document rendered with Swagger UI, from the Worker's own static assets. */
import { describe, expect, it } from "vitest";
import { bindings } from "./helpers/env.ts";
import { call } from "./helpers/worker.ts";

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
    const assets = bindings.ASSETS as Fetcher;
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
