/** Minting, listing, using and revoking API keys. */
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { apiKeys, links } from "../db/schema.ts";
import { sha256Hex } from "../functions/shared/crypto.ts";
import { mintKey } from "./helpers/api.ts";
import { withDb } from "./helpers/db.ts";
import { uniqueSlug } from "./helpers/unique.ts";
import { call } from "./helpers/worker.ts";

const listKeys = async () => ((await (await call("GET", "/api/v1/keys")).json()) as { data: any[] }).data;

describe("POST /api/v1/keys", () => {
  it("shows the key once, with its prefix, and stores only its SHA-256", async () => {
    const name = uniqueSlug("ci bot");
    const res = await call("POST", "/api/v1/keys", { body: { name: `  ${name} `, scopes: ["links:read", "links:write", "links:read"] } });
    expect(res.status).toBe(201);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const created = (await res.json()) as any;
    expect(Object.keys(created).sort()).toEqual(["createdAt", "createdBy", "domains", "id", "key", "name", "ownLinksOnly", "prefix", "scopes"]);
    expect([created.domains, created.ownLinksOnly]).toEqual([null, false]);
    expect(created.key).toMatch(/^emu_[0-9A-Za-z]{32}$/);
    expect(created.prefix).toBe(created.key.slice(0, 12));
    expect(created).toMatchObject({ name, scopes: ["links:read", "links:write"] });

    const [row] = await withDb((db) => db.select().from(apiKeys).where(eq(apiKeys.id, created.id)));
    expect(row.hash).toBe(await sha256Hex(created.key));
    expect(Object.values(row).map(String)).not.toContain(created.key);

    const listed = (await listKeys()).find((k) => k.id === created.id);
    expect(listed).toEqual({ id: created.id, name, prefix: created.prefix, scopes: created.scopes, createdAt: created.createdAt, lastUsedAt: null, revokedAt: null, domains: null, ownLinksOnly: false, createdBy: null });
    expect(JSON.stringify(await listKeys())).not.toContain(created.key);
  });
});

describe("using a key", () => {
  it("works at once, records who made a link, and notes last use at most once a minute", async () => {
    const { id, key } = await mintKey(["links:write"]);
    const res = await call("POST", "/api/v1/links", { key, body: { url: "https://example.com/k" } });
    expect(res.status).toBe(201);
    const link = (await res.json()) as any;
    const [row] = await withDb((db) => db.select().from(links).where(eq(links.id, link.id)));
    expect(row.createdBy).toBe(id);

    const first = (await listKeys()).find((k) => k.id === id).lastUsedAt;
    expect(Date.parse(first)).toBeGreaterThan(Date.now() - 60_000);
    expect((await call("POST", "/api/v1/links", { key, body: { url: "https://example.com/k2" } })).status).toBe(201);
    expect((await listKeys()).find((k) => k.id === id).lastUsedAt).toBe(first);
  });
});

describe("DELETE /api/v1/keys/{id}", () => {
  it("revokes: the very next request with the key is refused, and the list says when", async () => {
    const { id, key } = await mintKey(["links:read"]);
    expect((await call("GET", "/api/v1/links?limit=1", { key })).status).toBe(200);
    const res = await call("DELETE", `/api/v1/keys/${id}`);
    expect(res.status).toBe(204);
    expect(await res.text()).toBe("");
    const refused = await call("GET", "/api/v1/links?limit=1", { key });
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as any).detail).toMatch(/revoked/);
    expect((await listKeys()).find((k) => k.id === id).revokedAt).not.toBeNull();
  });
});
