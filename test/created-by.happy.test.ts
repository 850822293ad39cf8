/**
 * Who made each link, key, domain and webhook: `createdBy` {type,id,name} (null for ADMIN_API_KEY), the name
 * read at answer time (a renamed person shows the new name, a removed one their id), and the links list
 * filtered by maker, the filter signed into its cursor.
 */
import { afterAll, describe, expect, it } from "vitest";
import { createLink, mintKey } from "./helpers/api.ts";
import { uniqueHost } from "./helpers/domains.ts";
import { signedInPerson } from "./helpers/people.ts";
import { uniqueSlug } from "./helpers/unique.ts";
import { createTestWebhook, removeTestWebhooks, SINK } from "./helpers/webhooks.ts";
import { call } from "./helpers/worker.ts";

afterAll(removeTestWebhooks);

const getLink = async (slug: string) => (await (await call("GET", `/api/v1/links/${slug}`)).json()) as any;
const listBy = async (query: string) => (await (await call("GET", `/api/v1/links?${query}`)).json()) as { data: any[]; nextCursor: string | null };

describe("createdBy", () => {
  it("names the person or key that made a link, as they are named now", async () => {
    const grace = await signedInPerson("editor", { name: "Grace" });
    const mine = await createLink({ url: "https://example.com/by-grace" }, grace.token);
    expect(mine.createdBy).toEqual({ type: "user", id: grace.id, name: "Grace" });
    expect((await getLink(mine.slug)).createdBy).toEqual({ type: "user", id: grace.id, name: "Grace" });

    const key = await mintKey(["links:write", "links:read"], "deploy bot");
    const keyed = await createLink({ url: "https://example.com/by-key" }, key.key);
    expect((await getLink(keyed.slug)).createdBy).toEqual({ type: "key", id: key.id, name: "deploy bot" });
    expect((await getLink((await createLink({ url: "https://example.com/by-admin" })).slug)).createdBy).toBeNull();

    expect((await call("PATCH", `/api/v1/users/${grace.id}`, { body: { name: "Grace Hopper" } })).status).toBe(200);
    expect((await getLink(mine.slug)).createdBy).toEqual({ type: "user", id: grace.id, name: "Grace Hopper" });
    expect((await call("DELETE", `/api/v1/users/${grace.id}`)).status).toBe(204);
    expect((await getLink(mine.slug)).createdBy).toEqual({ type: "user", id: grace.id, name: grace.id });
  });

  it("filters the links list by maker, the filter bound into the cursor", async () => {
    const ada = await signedInPerson("editor", { name: "Ada" });
    const made = [];
    for (let i = 0; i < 3; i++) made.push(await createLink({ url: `https://example.com/ada-${i}` }, ada.token));
    await createLink({ url: "https://example.com/not-ada" });
    const first = await listBy(`createdBy=${ada.id}&limit=2`);
    expect(first.data.map((l) => l.id)).toEqual([made[2].id, made[1].id]);
    const second = await listBy(`createdBy=${ada.id}&limit=2&cursor=${first.nextCursor}`);
    expect(second.data.map((l) => l.id)).toEqual([made[0].id]);
    expect(second.nextCursor).toBeNull();
    // A cursor of the filtered list is not one of the unfiltered list, nor of another maker's.
    expect((await call("GET", `/api/v1/links?limit=2&cursor=${first.nextCursor}`)).status).toBe(400);
    expect((await call("GET", `/api/v1/links?limit=2&createdBy=${ada.id}x&cursor=${first.nextCursor}`)).status).toBe(400);
    expect((await listBy(`createdBy=usr_${"Z".repeat(16)}`)).data).toEqual([]);
    expect((await call("GET", "/api/v1/links?createdBy=a%20b")).status).toBe(400);
  });

  it("records the maker of keys, domains and webhooks", async () => {
    const admin = await signedInPerson("admin", { name: "Root Admin" });
    const by = { type: "user", id: admin.id, name: "Root Admin" };
    const key = await call("POST", "/api/v1/keys", { key: admin.token, body: { name: uniqueSlug("k"), scopes: ["links:read"] } });
    const keyId = ((await key.json()) as any).id;
    const keys = ((await (await call("GET", "/api/v1/keys")).json()) as { data: any[] }).data;
    expect(keys.find((k) => k.id === keyId).createdBy).toEqual(by);

    const hostname = uniqueHost("cb");
    const domain = await call("POST", "/api/v1/domains", { key: admin.token, body: { hostname } });
    expect(((await domain.json()) as any).createdBy).toEqual(by);
    const domains = ((await (await call("GET", "/api/v1/domains")).json()) as { data: any[] }).data;
    expect(domains.find((d) => d.hostname === hostname).createdBy).toEqual(by);

    const hook = await call("POST", "/api/v1/webhooks", { key: admin.token, body: { url: `${SINK}${uniqueSlug("cb")}`, events: ["link.created"] } });
    expect(hook.status).toBe(201);
    const hookId = ((await hook.json()) as any).id;
    expect(((await (await call("GET", `/api/v1/webhooks/${hookId}`)).json()) as any).createdBy).toEqual(by);
    expect(((await (await call("GET", `/api/v1/webhooks/${(await createTestWebhook()).id}`)).json()) as any).createdBy).toBeNull();
  });
});
