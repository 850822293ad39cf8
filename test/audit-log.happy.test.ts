/**
 * The audit log: each change through the API (and the Shlink face) leaves one entry with its actor, action,
 * target, and the resource before and after (never a secret or a password hash); GET /api/v1/audit lists them
 * newest first with filters and signed cursors.
 */
import { afterAll, describe, expect, it } from "vitest";
import type { AuditEntryJson } from "../functions/api/audit/schemas.ts";
import { createLink, mintKey } from "./helpers/api.ts";
import { entriesAbout } from "./helpers/audit.ts";
import { uniqueHost } from "./helpers/domains.ts";
import { ADMIN_KEY } from "./helpers/env.ts";
import { tagPath, uniqueTag } from "./helpers/tags.ts";
import { uniqueSlug } from "./helpers/unique.ts";
import { createTestWebhook, removeTestWebhooks } from "./helpers/webhooks.ts";
import { call } from "./helpers/worker.ts";

afterAll(removeTestWebhooks);

const ADMIN_ACTOR = { type: "key", id: "admin", name: "ADMIN_API_KEY" };
const actions = async (target: string) => (await entriesAbout(target)).map((e) => e.action);

async function page(query: string, key?: string) {
  const res = await call("GET", `/api/v1/audit?${query}`, { key });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as { data: AuditEntryJson[]; nextCursor: string | null };
}

describe("every change leaves one entry, in its statement", () => {
  it("links: create, patch, delete, with the actor and no password hash", async () => {
    const key = await mintKey(["links:read", "links:write"], "auditor");
    const link = await createLink({ url: "https://example.com/a1", password: "hunter2-long" }, key.key);
    let res = await call("PATCH", `/api/v1/links/${link.slug}`, { key: key.key, body: { url: "https://example.com/a2" } });
    expect(res.status).toBe(200);
    res = await call("DELETE", `/api/v1/links/${link.slug}`, { key: key.key });
    expect(res.status).toBe(204);
    const [created, updated, deleted] = await entriesAbout(`link:${link.id}`);
    expect(created).toMatchObject({ action: "link.created", actor: { type: "key", id: key.id, name: "auditor" }, domain: "", linkCreatedBy: key.id, before: null });
    expect(created.after).toMatchObject({ url: "https://example.com/a1", has_password: true });
    expect(updated).toMatchObject({ action: "link.updated", before: { url: "https://example.com/a1" }, after: { url: "https://example.com/a2" } });
    expect(deleted).toMatchObject({ action: "link.deleted", before: { url: "https://example.com/a2" }, after: null });
    for (const e of [created, updated, deleted]) expect(JSON.stringify(e)).not.toMatch(/password_hash|pbkdf2/i);
  });

  it("bulk, import, and the Shlink face", async () => {
    const [a, b] = [uniqueSlug("ab"), uniqueSlug("ab")];
    const bulk = await call("POST", "/api/v1/links/bulk", { body: { links: [{ url: "https://example.com/b", slug: a }, { url: "https://example.com/b", slug: a }] } });
    const [ok] = ((await bulk.json()) as { results: { ok: boolean; link?: { id: string } }[] }).results;
    expect(await actions(`link:${ok.link!.id}`)).toEqual(["link.created"]);

    const csv = `url,slug\nhttps://example.com/imp,${b}\n`;
    const imp = await call("POST", "/api/v1/links/import", { raw: csv, headers: { "content-type": "text/csv" } });
    expect(imp.status, await imp.clone().text()).toBe(200);
    const imported = (await (await call("GET", `/api/v1/links/${b}`)).json()) as { id: string };
    const upd = await call("POST", "/api/v1/links/import?onConflict=update", { raw: `url,slug\nhttps://example.com/imp2,${b}\n`, headers: { "content-type": "text/csv" } });
    expect(upd.status).toBe(200);
    const [first, second] = await entriesAbout(`link:${imported.id}`);
    expect(first).toMatchObject({ action: "links.imported", before: null, after: { url: "https://example.com/imp" } });
    expect(second).toMatchObject({ action: "links.imported", before: { url: "https://example.com/imp" }, after: { url: "https://example.com/imp2" } });

    const shlink = { "x-api-key": ADMIN_KEY };
    const s = uniqueSlug("sh");
    const made = await call("POST", "/rest/v3/short-urls", { key: null, headers: shlink, body: { longUrl: "https://example.com/sh", customSlug: s } });
    expect(made.status, await made.clone().text()).toBe(200);
    const id = ((await (await call("GET", `/api/v1/links/${s}`)).json()) as { id: string }).id;
    expect((await call("PATCH", `/rest/v3/short-urls/${s}`, { key: null, headers: shlink, body: { title: "t" } })).status).toBe(200);
    expect((await call("DELETE", `/rest/v3/short-urls/${s}`, { key: null, headers: shlink })).status).toBe(204);
    expect(await actions(`link:${id}`)).toEqual(["link.created", "link.updated", "link.deleted"]);
  });

  it("tags, domains, keys and webhooks, without secrets", async () => {
    const [tag, renamed] = [uniqueTag(), uniqueTag()];
    await createLink({ url: "https://example.com/t", tags: [tag] });
    expect((await call("PATCH", tagPath(tag), { body: { name: renamed } })).status).toBe(200);
    expect((await call("DELETE", tagPath(renamed))).status).toBe(204);
    expect(await entriesAbout(`tag:${tag}`)).toMatchObject([{ action: "tag.renamed", actor: ADMIN_ACTOR, before: { name: tag }, after: { name: renamed, links: 1 } }]);
    expect(await entriesAbout(`tag:${renamed}`)).toMatchObject([{ action: "tag.deleted", before: { name: renamed, links: 1 } }]);

    const hostname = uniqueHost("au");
    expect((await call("POST", "/api/v1/domains", { body: { hostname } })).status).toBe(201);
    expect((await call("PATCH", `/api/v1/domains/${hostname}`, { body: { rootRedirect: "https://example.com/root" } })).status).toBe(200);
    expect((await call("DELETE", `/api/v1/domains/${hostname}`)).status).toBe(204);
    expect(await entriesAbout(`domain:${hostname}`)).toMatchObject([
      { action: "domain.created", before: null },
      { action: "domain.updated", before: { root_redirect: null }, after: { root_redirect: "https://example.com/root" } },
      { action: "domain.deleted", after: null },
    ]);

    const key = await mintKey(["links:read"]);
    expect((await call("DELETE", `/api/v1/keys/${key.id}`)).status).toBe(204);
    const keyEntries = await entriesAbout(`key:${key.id}`);
    expect(keyEntries).toMatchObject([{ action: "key.created" }, { action: "key.revoked", before: { revoked_at: null } }]);
    expect(JSON.stringify(keyEntries)).not.toContain('"hash"');

    const hook = await createTestWebhook();
    expect((await call("PATCH", `/api/v1/webhooks/${hook.id}`, { body: { enabled: false } })).status).toBe(200);
    expect((await call("POST", `/api/v1/webhooks/${hook.id}/rotate-secret`)).status).toBe(200);
    expect((await call("DELETE", `/api/v1/webhooks/${hook.id}`)).status).toBe(204);
    const hookEntries = await entriesAbout(`webhook:${hook.id}`);
    expect(hookEntries.map((e) => e.action)).toEqual(["webhook.created", "webhook.updated", "webhook.secret_rotated", "webhook.deleted"]);
    expect(JSON.stringify(hookEntries)).not.toMatch(/"(previous_)?secret"|whsec_/);
  });
});

describe("GET /api/v1/audit", () => {
  it("lists newest first, filters, and pages with signed cursors", async () => {
    const key = await mintKey(["links:read", "links:write"], "pager");
    const before = new Date(Date.now() - 1000).toISOString();
    const links = [];
    for (let i = 0; i < 3; i++) links.push(await createLink({ url: `https://example.com/p${i}` }, key.key));
    const all = await page(`actor=${key.id}&action=link.created`);
    expect(all.data.map((e) => e.target)).toEqual(links.map((l) => `link:${l.id}`).reverse());
    expect(all.data[0]).toMatchObject({ actor: { type: "key", id: key.id, name: "pager" }, action: "link.created", before: null });
    expect(all.nextCursor).toBeNull();

    const seen: string[] = [];
    let cursor: string | null = "";
    while (cursor !== null) {
      const p = await page(`actor=${key.id}&limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
      seen.push(...p.data.map((e) => e.target!));
      cursor = p.nextCursor;
    }
    expect(seen).toEqual(all.data.map((e) => e.target));

    expect((await page(`target=link:${links[1].id}`)).data).toHaveLength(1);
    expect((await page(`actor=${key.id}&from=${before}`)).data).toHaveLength(3);
    expect((await page(`actor=${key.id}&to=${before}`)).data).toHaveLength(0);

    // A cursor is bound to its filters, and refused when altered.
    const first = await page(`actor=${key.id}&limit=1`);
    const other = await call("GET", `/api/v1/audit?actor=admin&limit=1&cursor=${encodeURIComponent(first.nextCursor!)}`);
    expect(other.status).toBe(400);
    // The position moved on by one, the MAC kept.
    const [payload, mac] = first.nextCursor!.split(".");
    const moved = btoa(String(Number(atob(payload.replace(/-/g, "+").replace(/_/g, "/"))) - 1)).replace(/=+$/, "");
    const altered = await call("GET", `/api/v1/audit?actor=${key.id}&limit=1&cursor=${encodeURIComponent(`${moved}.${mac}`)}`);
    expect(altered.status).toBe(400);
  });
});
