/**
 * Every change and its audit entry are kept together or not at all: a deferred constraint trigger installed
 * by the test refuses, after the entry was inserted, any entry that mentions a marker; the change it records
 * must then be gone too (each change and its entry are one statement, or one transaction).
 */
import { afterAll, describe, expect, it } from "vitest";
import { createLink } from "./helpers/api.ts";
import { entriesAbout, entriesMentioning, withAuditFailingOn } from "./helpers/audit.ts";
import { removeTestWebhooks, SINK } from "./helpers/webhooks.ts";
import { tagsOf, uniqueTag } from "./helpers/tags.ts";
import { uniqueSlug } from "./helpers/unique.ts";
import { call } from "./helpers/worker.ts";

afterAll(removeTestWebhooks);

const marker = () => `mk${crypto.randomUUID().slice(0, 8)}`;

/** `act` under the refusing trigger: it fails as a whole (500), and nothing mentions the marker afterwards. */
async function refused(m: string, act: () => Promise<Response>) {
  const res = await withAuditFailingOn(m, act);
  expect(res.status, await res.clone().text()).toBe(500);
  expect(await entriesMentioning(m)).toEqual([]);
}

describe("a change whose audit entry fails is not made", () => {
  it("creating a link, one or in bulk", async () => {
    const m = marker();
    await refused(m, () => call("POST", "/api/v1/links", { body: { url: `https://example.com/${m}`, slug: m } }));
    expect((await call("GET", `/api/v1/links/${m}`)).status).toBe(404);
    const other = uniqueSlug("ok");
    await refused(m, () => call("POST", "/api/v1/links/bulk", { body: { links: [{ url: "https://example.com/fine", slug: other }, { url: `https://example.com/${m}` }] } }));
    expect((await call("GET", `/api/v1/links/${other}`)).status).toBe(404);
  });

  it("changing and deleting a link (the link stays as it was)", async () => {
    const m = marker();
    const link = await createLink({ url: "https://example.com/before", title: `t-${m}` });
    const logged = (await entriesAbout(`link:${link.id}`)).length;
    const patch = await withAuditFailingOn(m, () => call("PATCH", `/api/v1/links/${link.slug}`, { body: { url: "https://example.com/after" } }));
    expect(patch.status).toBe(500);
    // Its before mentions the marker (the title): the delete is refused too.
    const del = await withAuditFailingOn(m, () => call("DELETE", `/api/v1/links/${link.slug}`));
    expect(del.status).toBe(500);
    const now = await call("GET", `/api/v1/links/${link.slug}`);
    expect(now.status).toBe(200);
    expect(((await now.json()) as { url: string }).url).toBe("https://example.com/before");
    expect(await entriesAbout(`link:${link.id}`)).toHaveLength(logged);
  });

  it("an import", async () => {
    const m = marker();
    const csv = `url,slug\nhttps://example.com/a,${m}a\nhttps://example.com/${m},${m}b\n`;
    await refused(m, () => call("POST", "/api/v1/links/import", { raw: csv, headers: { "content-type": "text/csv" } }));
    expect((await call("GET", `/api/v1/links/${m}a`)).status).toBe(404);
  });

  it("renaming and deleting a tag", async () => {
    const m = marker();
    const tag = uniqueTag();
    const link = await createLink({ url: "https://example.com/tagged", tags: [tag] });
    await refused(m, () => call("PATCH", `/api/v1/tags/${tag}`, { body: { name: `${tag}-${m}` } }));
    expect(await tagsOf(link.slug)).toEqual([tag]);
  });

  it("domains, keys and webhooks", async () => {
    const m = marker();
    const hostname = `${m}.example.test`;
    await refused(m, () => call("POST", "/api/v1/domains", { body: { hostname } }));
    const domains = (await (await call("GET", "/api/v1/domains")).json()) as { data: { hostname: string }[] };
    expect(domains.data.some((d) => d.hostname === hostname)).toBe(false);
    await refused(m, () => call("POST", "/api/v1/keys", { body: { name: m, scopes: ["links:read"] } }));
    const keys = (await (await call("GET", "/api/v1/keys")).json()) as { data: { name: string }[] };
    expect(keys.data.some((k) => k.name === m)).toBe(false);
    await refused(m, () => call("POST", "/api/v1/webhooks", { body: { url: `${SINK}${m}`, events: ["link.deleted"] } }));
    const hooks = (await (await call("GET", "/api/v1/webhooks")).json()) as { data: { url: string }[] };
    expect(hooks.data.some((h) => h.url.includes(m))).toBe(false);
  });
});
