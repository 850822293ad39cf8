/** /openapi.json: generated from the route schemas, it describes the routes and schemas of the contract. */
import { describe, expect, it } from "vitest";
import { call } from "./helpers/worker.ts";

describe("GET /openapi.json", () => {
  it("is an OpenAPI 3.1 document of the links and keys routes, with the Link schema of the contract", async () => {
    const res = await call("GET", "/openapi.json", { key: null });
    expect(res.status).toBe(200);
    const doc = (await res.json()) as any;
    expect(doc.openapi).toBe("3.1.0");
    for (const path of ["/api/v1/links", "/api/v1/links/bulk", "/api/v1/links/{slug}", "/api/v1/keys", "/api/v1/keys/{id}", "/api/v1/domains", "/api/v1/domains/{hostname}"]) {
      expect(doc.paths[path], path).toBeDefined();
    }
    expect(Object.keys(doc.paths["/api/v1/links/{slug}"]).sort()).toEqual(["delete", "get", "patch"]);
    expect(Object.keys(doc.paths["/api/v1/domains/{hostname}"]).sort()).toEqual(["delete", "get", "patch"]);
    expect(doc.components.schemas.Domain.required.sort()).toEqual([
      "createdAt", "createdBy", "hasAppleAppSiteAssociation", "hasAssetLinks", "hasQrLogo", "hostname", "isDefault", "links", "notFoundRedirect", "rootRedirect",
    ]);
    // One domain's answer has the large values the list only flags.
    expect(doc.components.schemas.DomainDetails.allOf).toEqual([
      { $ref: "#/components/schemas/Domain" }, expect.objectContaining({ required: ["appleAppSiteAssociation", "assetLinks", "qrLogo"] }),
    ]);
    // The association files are public routes of each domain, like robots.txt, with their media type.
    for (const path of ["/.well-known/apple-app-site-association", "/.well-known/assetlinks.json"]) {
      expect(Object.keys(doc.paths[path]), path).toEqual(["get"]);
      expect(doc.paths[path].get.security, path).toBeUndefined();
      expect(Object.keys(doc.paths[path].get.responses[200].content), path).toEqual(["application/json"]);
    }
    // Every route that names a link by slug takes ?domain=.
    for (const [path, method] of [["/api/v1/links/{slug}", "get"], ["/api/v1/links/{slug}", "patch"], ["/api/v1/links/{slug}", "delete"], ["/api/v1/links/{slug}/stats", "get"]]) {
      expect(doc.paths[path][method].parameters.map((p: { name: string }) => p.name), `${method} ${path}`).toContain("domain");
    }
    expect(doc.components.schemas.Link.required.sort()).toEqual([
      "clicks", "crawlable", "createdAt", "createdBy", "disabled", "disabledAt", "disabledReason", "domain", "expiresAt", "fallbackUrl", "forwardQuery", "hasPassword", "health", "id", "maxClicks", "preview", "redirectType",
      "rules", "shortUrl", "slug", "tags", "title", "updatedAt", "url", "validSince", "variants", "warning",
    ]);
    expect(doc.components.schemas.Link.properties.redirectType.enum).toEqual([301, 302, 307, 308]);
    expect(doc.components.schemas.CreateLinkInput.additionalProperties).toBe(false);
    expect(doc.components.schemas.BulkCreateInput.properties.links.items).toEqual({ $ref: "#/components/schemas/CreateLinkInput" });
    const create = doc.paths["/api/v1/links"].post;
    expect(create.requestBody.content["application/json"].schema).toEqual({ $ref: "#/components/schemas/CreateLinkInput" });
    expect(create.responses["422"].content["application/problem+json"]).toBeDefined();
  });
});

describe("the stats routes", () => {
  it("are described in the OpenAPI document, with their parameters and both media types", async () => {
    const doc = (await (await call("GET", "/openapi.json", { key: null })).json()) as any;
    for (const path of ["/api/v1/links/{slug}/stats", "/api/v1/stats"]) {
      const op = doc.paths[path].get;
      expect(op.parameters.map((p: any) => p.name)).toEqual(expect.arrayContaining(["from", "to", "interval", "tz", "bots", "limit", "format"]));
      expect(Object.keys(op.responses[200].content)).toEqual(["application/json", "text/csv"]);
    }
    expect(doc.components.schemas.AllLinksStats.properties.topLinks).toBeTruthy();
  });
});
