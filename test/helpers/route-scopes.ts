/**
 * The scope table: every /api/v1 route with the scope it enforces, and what it does for a key under each
 * restriction (helpers/restrictions.ts). links.security.test.ts calls each route as every kind of caller and
 * as a key under every restriction; openapi.security.test.ts checks that the OpenAPI document declares exactly
 * these routes with these scopes, so a new route joins the table (and both tests) when it is added.
 * It is one piece past 250 lines because it is one table, an entry per route, that a reader checks as a whole
 * and that every test of routes and scopes takes its list of routes from.
 */
import { expect } from "vitest";
import type { Scope } from "../../functions/shared/auth/scopes.ts";
import { createLink, mintKey } from "./api.ts";
import { uniqueHost } from "./domains.ts";
import { uniqueBlockHost } from "./blocklist.ts";
import type { RestrictedWorld } from "./restrictions.ts";
import { uniqueSlug } from "./unique.ts";
import { tagPath, tagsOf, uniqueTag } from "./tags.ts";
import { createTestWebhook, SINK, sendTestPing } from "./webhooks.ts";
import { call } from "./worker.ts";
import { fileTestReport, reportRow } from "./reports.ts";

/** One call of a route, ready to send, and how to check that a refused one changed nothing. */
export interface PreparedCall {
  method: string;
  path: string;
  body?: unknown;
  /** Asserts that a refused call left no trace. */
  unchanged: () => Promise<void>;
}

/** A call made with a restricted key, and what its answer must be. */
export interface RestrictedCall {
  method: string;
  path: string;
  body?: unknown;
  /** Asserts the answer, and that nothing the key may not see was revealed or changed. */
  check: (res: Response) => Promise<void>;
}

/** A route, the scope it needs, its success status, and a fresh call of it (with what it needs made first). */
export interface RouteCase {
  /** "METHOD /path" as the OpenAPI document names it. */
  route: string;
  scope: Scope;
  success: number;
  prepare: () => Promise<PreparedCall>;
  /**
   * The route as a key with every non-admin scope under a restriction: aimed at what the key may not see
   * (a link on another domain, or made by another key). Admin routes refuse such a key (403).
   */
  restricted: (w: RestrictedWorld) => Promise<RestrictedCall>;
  /**
   * The route rewrites every link that matches, seen by the key or not (a tag's rename or removal): a
   * restricted key is refused with 403 whatever it names, as admin routes refuse it.
   */
  spansEveryLink?: true;
}

const status = async (method: string, path: string) => (await call(method, path)).status;

/** ?domain= naming the hidden link's domain. */
const at = (w: RestrictedWorld) => `domain=${w.hidden.domain}`;
/** The hidden link as the admin sees it: it must be there, unchanged. */
const hiddenIntact = async (w: RestrictedWorld) =>
  expect(await (await call("GET", `/api/v1/links/${w.hidden.slug}?${at(w)}`)).json()).toEqual({ ...w.hidden, clicks: expect.any(Number) });
const expectStatus = (res: Response, n: number) => res.clone().text().then((t) => expect(res.status, t).toBe(n));
/** An admin-only route: a restricted key never holds admin, so it is refused before anything else. */
const adminOnly = (method: string, path: string) => async (): Promise<RestrictedCall> => ({ method, path, check: async (res) => expectStatus(res, 403) });

export const routeScopes: RouteCase[] = [
  {
    route: "POST /api/v1/links",
    scope: "links:write",
    success: 201,
    prepare: async () => {
      const slug = uniqueSlug("sec");
      return { method: "POST", path: "/api/v1/links", body: { url: "https://example.com/s", slug },
        unchanged: async () => expect(await status("GET", `/api/v1/links/${slug}`)).toBe(404) };
    },
    restricted: async (w) => {
      const slug = uniqueSlug("rs");
      if (w.restriction === "domains") {
        // On a domain the key may not use (or the default it may not use either): as if it did not exist.
        return { method: "POST", path: "/api/v1/links", body: { url: "https://example.com/s", slug, domain: w.hidden.domain },
          check: async (res) => {
            await expectStatus(res, 404);
            expect(await status("GET", `/api/v1/links/${slug}?${at(w)}`)).toBe(404);
          } };
      }
      // Its own link: created, and visible to it.
      return { method: "POST", path: "/api/v1/links", body: { url: "https://example.com/s", slug },
        check: async (res) => {
          await expectStatus(res, 201);
          expect((await call("GET", `/api/v1/links/${slug}`, { key: w.key })).status).toBe(200);
        } };
    },
  },
  {
    route: "POST /api/v1/links/bulk",
    scope: "links:write",
    success: 200,
    prepare: async () => {
      const slug = uniqueSlug("sec");
      return { method: "POST", path: "/api/v1/links/bulk", body: { links: [{ url: "https://example.com/s", slug }] },
        unchanged: async () => expect(await status("GET", `/api/v1/links/${slug}`)).toBe(404) };
    },
    restricted: async (w) => {
      const slug = uniqueSlug("rs");
      const item = w.restriction === "domains" ? { url: "https://example.com/s", slug, domain: w.hidden.domain } : { url: "https://example.com/s", slug };
      return { method: "POST", path: "/api/v1/links/bulk", body: { links: [item] },
        check: async (res) => {
          await expectStatus(res, 200);
          const [r] = ((await res.json()) as { results: { ok: boolean; error?: { status: number } }[] }).results;
          if (w.restriction === "domains") {
            expect(r).toMatchObject({ ok: false, error: { status: 404 } });
            expect(await status("GET", `/api/v1/links/${slug}?${at(w)}`)).toBe(404);
          } else expect(r.ok).toBe(true);
        } };
    },
  },
  {
    route: "POST /api/v1/links/import",
    scope: "links:write",
    success: 200,
    prepare: async () => {
      const slug = uniqueSlug("sec");
      return { method: "POST", path: "/api/v1/links/import", body: [{ url: "https://example.com/s", slug }],
        unchanged: async () => expect(await status("GET", `/api/v1/links/${slug}`)).toBe(404) };
    },
    restricted: async (w) => {
      // A row on the hidden link's own domain and slug: refused (domains) or a slug taken (ownLinksOnly), unchanged.
      return { method: "POST", path: "/api/v1/links/import?onConflict=update",
        body: [{ url: "https://example.com/taken-over", slug: w.hidden.slug, domain: w.hidden.domain }],
        check: async (res) => {
          await expectStatus(res, 200);
          expect(await res.json()).toMatchObject({ created: 0, updated: 0, failed: 1 });
          await hiddenIntact(w);
        } };
    },
  },
  {
    route: "GET /api/v1/links/export",
    scope: "links:read",
    success: 200,
    prepare: async () => ({ method: "GET", path: "/api/v1/links/export?q=fz-nothing-matches", unchanged: async () => {} }),
    restricted: async (w) => ({ method: "GET", path: `/api/v1/links/export?format=json&q=${w.hidden.slug}`,
      check: async (res) => {
        await expectStatus(res, 200);
        expect(((await res.json()) as { id: string }[]).map((l) => l.id)).not.toContain(w.hidden.id);
      } }),
  },
  {
    route: "GET /api/v1/imports/{id}",
    scope: "links:write",
    success: 200,
    prepare: async () => {
      const res = await call("POST", "/api/v1/links/import?dryRun=true", { body: [{ url: "https://example.com/s" }] });
      const { id } = (await res.json()) as { id: string };
      return { method: "GET", path: `/api/v1/imports/${id}`, unchanged: async () => {} };
    },
    restricted: async () => {
      // Another key's import (the admin's) is not there for it.
      const res = await call("POST", "/api/v1/links/import?dryRun=true", { body: [{ url: "https://example.com/s" }] });
      const { id } = (await res.json()) as { id: string };
      return { method: "GET", path: `/api/v1/imports/${id}`, check: async (r) => expectStatus(r, 404) };
    },
  },
  {
    route: "GET /api/v1/links",
    scope: "links:read",
    success: 200,
    prepare: async () => ({ method: "GET", path: "/api/v1/links?limit=1", unchanged: async () => {} }),
    restricted: async (w) => ({ method: "GET", path: `/api/v1/links?q=${w.hidden.slug}`,
      check: async (res) => {
        await expectStatus(res, 200);
        expect(((await res.json()) as { data: unknown[] }).data).toEqual([]);
        // The admin does see it: the filter is what hid it.
        expect(((await (await call("GET", `/api/v1/links?q=${w.hidden.slug}`)).json()) as { data: { id: string }[] }).data.map((l) => l.id)).toContain(w.hidden.id);
      } }),
  },
  {
    route: "GET /api/v1/links/{slug}",
    scope: "links:read",
    success: 200,
    prepare: async () => {
      const link = await createLink({ url: "https://example.com/g" });
      return { method: "GET", path: `/api/v1/links/${link.slug}`, unchanged: async () => {} };
    },
    restricted: async (w) => ({ method: "GET", path: `/api/v1/links/${w.hidden.slug}?${at(w)}`, check: async (res) => expectStatus(res, 404) }),
  },
  {
    route: "PATCH /api/v1/links/{slug}",
    scope: "links:write",
    success: 200,
    prepare: async () => {
      const link = await createLink({ url: "https://example.com/p" });
      return { method: "PATCH", path: `/api/v1/links/${link.slug}`, body: { url: "https://example.com/changed" },
        unchanged: async () => expect(await (await call("GET", `/api/v1/links/${link.slug}`)).json()).toEqual(link) };
    },
    restricted: async (w) => ({ method: "PATCH", path: `/api/v1/links/${w.hidden.slug}?${at(w)}`, body: { url: "https://example.com/taken-over" },
      check: async (res) => {
        await expectStatus(res, 404);
        await hiddenIntact(w);
      } }),
  },
  {
    route: "DELETE /api/v1/links/{slug}",
    scope: "links:write",
    success: 204,
    prepare: async () => {
      const link = await createLink({ url: "https://example.com/d" });
      return { method: "DELETE", path: `/api/v1/links/${link.slug}`,
        unchanged: async () => expect(await status("GET", `/api/v1/links/${link.slug}`)).toBe(200) };
    },
    restricted: async (w) => ({ method: "DELETE", path: `/api/v1/links/${w.hidden.slug}?${at(w)}`,
      check: async (res) => {
        await expectStatus(res, 404);
        await hiddenIntact(w);
      } }),
  },
  {
    route: "GET /api/v1/links/{slug}/stats",
    scope: "analytics:read",
    success: 200,
    prepare: async () => {
      const link = await createLink({ url: "https://example.com/st" });
      return { method: "GET", path: `/api/v1/links/${link.slug}/stats`, unchanged: async () => {} };
    },
    restricted: async (w) => ({ method: "GET", path: `/api/v1/links/${w.hidden.slug}/stats?${at(w)}&${w.statsRange}`, check: async (res) => expectStatus(res, 404) }),
  },
  {
    route: "GET /api/v1/links/{slug}/qr",
    scope: "links:read",
    success: 200,
    prepare: async () => {
      const link = await createLink({ url: "https://example.com/qr" });
      return { method: "GET", path: `/api/v1/links/${link.slug}/qr?size=128`, unchanged: async () => {} };
    },
    // GET /api/v1/links/{slug}'s lookup: the hidden link's code is not there for the key.
    restricted: async (w) => ({ method: "GET", path: `/api/v1/links/${w.hidden.slug}/qr?${at(w)}`, check: async (res) => expectStatus(res, 404) }),
  },
  {
    route: "GET /api/v1/stats",
    scope: "analytics:read",
    success: 200,
    prepare: async () => ({ method: "GET", path: "/api/v1/stats", unchanged: async () => {} }),
    restricted: async (w) => ({ method: "GET", path: `/api/v1/stats?${w.statsRange}`,
      check: async (res) => {
        await expectStatus(res, 200);
        const body = (await res.json()) as { totals: { clicks: number }; topLinks: { linkId: string }[] };
        // The hidden link's clicks are the only ones in that range: the key sees none of them.
        expect(body.totals.clicks).toBe(0);
        expect(body.topLinks.map((t) => t.linkId)).not.toContain(w.hidden.id);
        const all = (await (await call("GET", `/api/v1/stats?${w.statsRange}`)).json()) as typeof body;
        expect(all.topLinks.map((t) => t.linkId)).toContain(w.hidden.id);
      } }),
  },
  {
    route: "GET /api/v1/tags",
    scope: "links:read",
    success: 200,
    prepare: async () => ({ method: "GET", path: "/api/v1/tags", unchanged: async () => {} }),
    restricted: async (w) => {
      // A tag only a link the key may not see carries: the admin lists it, the key does not.
      const tag = uniqueTag("rs");
      await createLink({ url: "https://example.com/tagged", domain: w.hidden.domain, tags: [tag] });
      return { method: "GET", path: "/api/v1/tags",
        check: async (res) => {
          await expectStatus(res, 200);
          const tags = (r: unknown) => (r as { data: { tag: string }[] }).data.map((t) => t.tag);
          expect(tags(await res.json())).not.toContain(tag);
          expect(tags(await (await call("GET", "/api/v1/tags")).json())).toContain(tag);
        } };
    },
  },
  {
    route: "PATCH /api/v1/tags/{tag}",
    scope: "links:write",
    success: 200,
    spansEveryLink: true,
    prepare: async () => {
      const { tag, unchanged } = await taggedLink();
      return { method: "PATCH", path: tagPath(tag), body: { name: uniqueTag() }, unchanged };
    },
    restricted: async () => {
      const { tag, unchanged } = await taggedLink();
      return { method: "PATCH", path: tagPath(tag), body: { name: uniqueTag() },
        check: async (res) => {
          await expectStatus(res, 403);
          await unchanged();
        } };
    },
  },
  {
    route: "DELETE /api/v1/tags/{tag}",
    scope: "links:write",
    success: 204,
    spansEveryLink: true,
    prepare: async () => {
      const { tag, unchanged } = await taggedLink();
      return { method: "DELETE", path: tagPath(tag), unchanged };
    },
    restricted: async () => {
      const { tag, unchanged } = await taggedLink();
      return { method: "DELETE", path: tagPath(tag),
        check: async (res) => {
          await expectStatus(res, 403);
          await unchanged();
        } };
    },
  },
  {
    route: "POST /api/v1/ingest/flush",
    scope: "admin",
    success: 200,
    prepare: async () => ({ method: "POST", path: "/api/v1/ingest/flush", unchanged: async () => {} }),
    restricted: adminOnly("POST", "/api/v1/ingest/flush"),
  },
  {
    route: "GET /api/v1/ingest/status",
    scope: "admin",
    success: 200,
    prepare: async () => ({ method: "GET", path: "/api/v1/ingest/status", unchanged: async () => {} }),
    restricted: adminOnly("GET", "/api/v1/ingest/status"),
  },
  {
    route: "POST /api/v1/ingest/dead-letters/replay",
    scope: "admin",
    success: 200,
    prepare: async () => ({ method: "POST", path: "/api/v1/ingest/dead-letters/replay", unchanged: async () => {} }),
    restricted: adminOnly("POST", "/api/v1/ingest/dead-letters/replay"),
  },
  {
    route: "POST /api/v1/keys",
    scope: "admin",
    success: 201,
    prepare: async () => {
      const name = uniqueSlug("key");
      return { method: "POST", path: "/api/v1/keys", body: { name, scopes: ["admin"] },
        unchanged: async () => {
          const { data } = (await (await call("GET", "/api/v1/keys")).json()) as { data: { name: string }[] };
          expect(data.map((k) => k.name)).not.toContain(name);
        } };
    },
    restricted: async () => ({ method: "POST", path: "/api/v1/keys", body: { name: uniqueSlug("key"), scopes: ["admin"] }, check: async (res) => expectStatus(res, 403) }),
  },
  {
    route: "GET /api/v1/keys",
    scope: "admin",
    success: 200,
    prepare: async () => ({ method: "GET", path: "/api/v1/keys", unchanged: async () => {} }),
    restricted: adminOnly("GET", "/api/v1/keys"),
  },
  {
    route: "DELETE /api/v1/keys/{id}",
    scope: "admin",
    success: 204,
    prepare: async () => {
      const victim = await mintKey(["links:read"]);
      return { method: "DELETE", path: `/api/v1/keys/${victim.id}`,
        unchanged: async () => expect((await call("GET", "/api/v1/links?limit=1", { key: victim.key })).status).toBe(200) };
    },
    restricted: async () => {
      const victim = await mintKey(["links:read"]);
      return { method: "DELETE", path: `/api/v1/keys/${victim.id}`,
        check: async (res) => {
          await expectStatus(res, 403);
          expect((await call("GET", "/api/v1/links?limit=1", { key: victim.key })).status).toBe(200);
        } };
    },
  },
  {
    route: "GET /api/v1/audit",
    scope: "admin",
    success: 200,
    prepare: async () => ({ method: "GET", path: "/api/v1/audit?limit=1", unchanged: async () => {} }),
    restricted: adminOnly("GET", "/api/v1/audit"),
  },
  {
    route: "GET /api/v1/blocklist",
    scope: "admin",
    success: 200,
    prepare: async () => ({ method: "GET", path: "/api/v1/blocklist?limit=1", unchanged: async () => {} }),
    restricted: adminOnly("GET", "/api/v1/blocklist"),
  },
  {
    route: "POST /api/v1/blocklist",
    scope: "admin",
    success: 201,
    prepare: async () => {
      const host = uniqueBlockHost("sec");
      // A refused add leaves nothing to remove; an accepted one is removed here too.
      return { method: "POST", path: "/api/v1/blocklist", body: { host },
        unchanged: async () => expect(await status("DELETE", `/api/v1/blocklist/${host}`)).toBe(404) };
    },
    restricted: async () => ({ method: "POST", path: "/api/v1/blocklist", body: { host: uniqueBlockHost("sec") }, check: async (res) => expectStatus(res, 403) }),
  },
  {
    route: "DELETE /api/v1/blocklist/{host}",
    scope: "admin",
    success: 204,
    prepare: async () => {
      const host = uniqueBlockHost("sec");
      const res = await call("POST", "/api/v1/blocklist", { body: { host } });
      if (res.status !== 201) throw new Error(`blocking a host: ${res.status} ${await res.text()}`);
      return { method: "DELETE", path: `/api/v1/blocklist/${host}`, unchanged: async () => expect(await status("DELETE", `/api/v1/blocklist/${host}`)).toBe(204) };
    },
    restricted: adminOnly("DELETE", `/api/v1/blocklist/${uniqueBlockHost("sec")}`),
  },
  {
    route: "POST /api/v1/domains",
    scope: "admin",
    success: 201,
    prepare: async () => {
      const hostname = uniqueHost("sec");
      return { method: "POST", path: "/api/v1/domains", body: { hostname },
        unchanged: async () => expect(await status("PATCH", `/api/v1/domains/${hostname}`)).toBe(404) };
    },
    restricted: async () => ({ method: "POST", path: "/api/v1/domains", body: { hostname: uniqueHost("sec") }, check: async (res) => expectStatus(res, 403) }),
  },
  {
    route: "GET /api/v1/domains",
    scope: "admin",
    success: 200,
    prepare: async () => ({ method: "GET", path: "/api/v1/domains", unchanged: async () => {} }),
    restricted: adminOnly("GET", "/api/v1/domains"),
  },
  {
    route: "GET /api/v1/domains/{hostname}",
    scope: "admin",
    success: 200,
    prepare: async () => ({ method: "GET", path: `/api/v1/domains/${await newDomain()}`, unchanged: async () => {} }),
    restricted: async (w) => ({ method: "GET", path: `/api/v1/domains/${w.hidden.domain}`, check: async (res) => expectStatus(res, 403) }),
  },
  {
    route: "PATCH /api/v1/domains/{hostname}",
    scope: "admin",
    success: 200,
    prepare: async () => {
      const hostname = await newDomain();
      return { method: "PATCH", path: `/api/v1/domains/${hostname}`, body: { rootRedirect: "https://example.com/root" },
        unchanged: async () => expect(await domainOf(hostname)).toMatchObject({ rootRedirect: null }) };
    },
    restricted: async (w) => ({ method: "PATCH", path: `/api/v1/domains/${w.hidden.domain}`, body: { rootRedirect: "https://example.com/root" },
      check: async (res) => expectStatus(res, 403) }),
  },
  {
    route: "DELETE /api/v1/domains/{hostname}",
    scope: "admin",
    success: 204,
    prepare: async () => {
      const hostname = await newDomain();
      return { method: "DELETE", path: `/api/v1/domains/${hostname}`, unchanged: async () => expect(await domainOf(hostname)).toBeTruthy() };
    },
    restricted: async () => {
      const hostname = await newDomain();
      return { method: "DELETE", path: `/api/v1/domains/${hostname}`, check: async (res) => {
        await expectStatus(res, 403);
        expect(await domainOf(hostname)).toBeTruthy();
      } };
    },
  },
  {
    route: "POST /api/v1/users",
    scope: "admin",
    success: 201,
    prepare: async () => {
      const email = `${uniqueSlug("inv")}@example.com`;
      return { method: "POST", path: "/api/v1/users", body: { email, role: "viewer" }, unchanged: async () => expect(await personByEmail(email)).toBeUndefined() };
    },
    restricted: adminOnly("POST", "/api/v1/users"),
  },
  {
    route: "GET /api/v1/users",
    scope: "admin",
    success: 200,
    prepare: async () => ({ method: "GET", path: "/api/v1/users", unchanged: async () => {} }),
    restricted: adminOnly("GET", "/api/v1/users"),
  },
  {
    route: "PATCH /api/v1/users/{id}",
    scope: "admin",
    success: 200,
    prepare: async () => {
      const { id, email } = await invite();
      return { method: "PATCH", path: `/api/v1/users/${id}`, body: { role: "editor" }, unchanged: async () => expect(await personByEmail(email)).toMatchObject({ role: "viewer" }) };
    },
    restricted: async () => {
      const { id, email } = await invite();
      return { method: "PATCH", path: `/api/v1/users/${id}`, body: { role: "admin" }, check: async (res) => {
        await expectStatus(res, 403);
        expect(await personByEmail(email)).toMatchObject({ role: "viewer" });
      } };
    },
  },
  {
    route: "DELETE /api/v1/users/{id}",
    scope: "admin",
    success: 204,
    prepare: async () => {
      const { id, email } = await invite();
      return { method: "DELETE", path: `/api/v1/users/${id}`, unchanged: async () => expect(await personByEmail(email)).toBeTruthy() };
    },
    restricted: async () => {
      const { id, email } = await invite();
      return { method: "DELETE", path: `/api/v1/users/${id}`, check: async (res) => {
        await expectStatus(res, 403);
        expect(await personByEmail(email)).toBeTruthy();
      } };
    },
  },
  {
    route: "POST /api/v1/webhooks",
    restricted: adminOnly("POST", "/api/v1/webhooks"),
    scope: "admin",
    success: 201,
    prepare: async () => {
      const url = `${SINK}${uniqueSlug("sec")}`;
      return { method: "POST", path: "/api/v1/webhooks", body: { url, events: ["link.deleted"], linkIds: ["no-such-link"] },
        unchanged: async () => expect(JSON.stringify(await (await call("GET", "/api/v1/webhooks")).json())).not.toContain(url) };
    },
  },
  {
    route: "GET /api/v1/webhooks",
    restricted: adminOnly("GET", "/api/v1/webhooks"),
    scope: "admin",
    success: 200,
    prepare: async () => ({ method: "GET", path: "/api/v1/webhooks", unchanged: async () => {} }),
  },
  {
    route: "GET /api/v1/webhooks/{id}",
    restricted: adminOnly("GET", "/api/v1/webhooks/wh_none"),
    scope: "admin",
    success: 200,
    prepare: async () => ({ method: "GET", path: `/api/v1/webhooks/${(await createTestWebhook()).id}`, unchanged: async () => {} }),
  },
  {
    route: "PATCH /api/v1/webhooks/{id}",
    restricted: adminOnly("PATCH", "/api/v1/webhooks/wh_none"),
    scope: "admin",
    success: 200,
    prepare: async () => {
      const { id } = await createTestWebhook();
      return { method: "PATCH", path: `/api/v1/webhooks/${id}`, body: { enabled: false },
        unchanged: async () => expect(((await (await call("GET", `/api/v1/webhooks/${id}`)).json()) as { enabled: boolean }).enabled).toBe(true) };
    },
  },
  {
    route: "DELETE /api/v1/webhooks/{id}",
    restricted: adminOnly("DELETE", "/api/v1/webhooks/wh_none"),
    scope: "admin",
    success: 204,
    prepare: async () => {
      const { id } = await createTestWebhook();
      return { method: "DELETE", path: `/api/v1/webhooks/${id}`, unchanged: async () => expect(await status("GET", `/api/v1/webhooks/${id}`)).toBe(200) };
    },
  },
  {
    route: "POST /api/v1/webhooks/{id}/test",
    restricted: adminOnly("POST", "/api/v1/webhooks/wh_none/test"),
    scope: "admin",
    success: 202,
    prepare: async () => {
      const { id } = await createTestWebhook();
      return { method: "POST", path: `/api/v1/webhooks/${id}/test`,
        unchanged: async () => expect(((await (await call("GET", `/api/v1/webhooks/${id}/deliveries`)).json()) as { data: unknown[] }).data).toHaveLength(0) };
    },
  },
  {
    route: "POST /api/v1/webhooks/{id}/rotate-secret",
    restricted: adminOnly("POST", "/api/v1/webhooks/wh_none/rotate-secret"),
    scope: "admin",
    success: 200,
    prepare: async () => {
      const { id } = await createTestWebhook();
      return { method: "POST", path: `/api/v1/webhooks/${id}/rotate-secret`,
        unchanged: async () => expect(((await (await call("GET", `/api/v1/webhooks/${id}`)).json()) as { previousSecretValidUntil: unknown }).previousSecretValidUntil).toBeNull() };
    },
  },
  {
    route: "GET /api/v1/webhooks/{id}/deliveries",
    restricted: adminOnly("GET", "/api/v1/webhooks/wh_none/deliveries"),
    scope: "admin",
    success: 200,
    prepare: async () => ({ method: "GET", path: `/api/v1/webhooks/${(await createTestWebhook()).id}/deliveries`, unchanged: async () => {} }),
  },
  {
    route: "POST /api/v1/webhooks/{id}/deliveries/{deliveryId}/retry",
    restricted: adminOnly("POST", "/api/v1/webhooks/wh_none/deliveries/d_none/retry"),
    scope: "admin",
    success: 202,
    prepare: async () => {
      const { id } = await createTestWebhook();
      const deliveryId = await sendTestPing(id);
      return { method: "POST", path: `/api/v1/webhooks/${id}/deliveries/${deliveryId}/retry`, unchanged: async () => {} };
    },
  },
  {
    route: "POST /api/v1/webhooks/qstash-callback",
    restricted: adminOnly("POST", `/api/v1/webhooks/qstash-callback?delivery=msg_${"A".repeat(24)}&outcome=failure`),
    scope: "admin",
    success: 200,
    prepare: async () => ({
      method: "POST", path: `/api/v1/webhooks/qstash-callback?delivery=msg_${"A".repeat(24)}&outcome=failure`, body: { status: 500, retried: 3 },
      unchanged: async () => {},
    }),
  },
  {
    route: "GET /api/v1/reports",
    scope: "admin",
    success: 200,
    prepare: async () => ({ method: "GET", path: "/api/v1/reports?status=open&limit=1", unchanged: async () => {} }),
    restricted: adminOnly("GET", "/api/v1/reports"),
  },
  {
    route: "POST /api/v1/reports/{id}/resolve",
    scope: "admin",
    success: 200,
    prepare: async () => {
      const link = await createLink({ url: "https://example.com/reported" });
      const id = await fileTestReport({ slug: link.slug });
      return { method: "POST", path: `/api/v1/reports/${id}/resolve`, body: { action: "disable", reason: "sec" },
        unchanged: async () => {
          expect(await reportRow(id)).toMatchObject({ status: "open", resolvedAt: null });
          expect(await (await call("GET", `/api/v1/links/${link.slug}`)).json()).toMatchObject({ disabled: false });
        } };
    },
    restricted: async () => {
      const id = await fileTestReport();
      return { method: "POST", path: `/api/v1/reports/${id}/resolve`, body: { action: "dismiss" }, check: async (res) => {
        await expectStatus(res, 403);
        expect(await reportRow(id)).toMatchObject({ status: "open" });
      } };
    },
  },
];

/**
 * /api/v1 routes anyone may call, without a key: the OpenAPI document declares no security for them
 * (openapi.security.test.ts), and the input campaign sends them hostile requests like the others.
 */
export const publicRoutes: { route: string; success: number }[] = [{ route: "POST /api/v1/reports", success: 202 }];

/** A link (the admin's) with a tag of its own, and a check that the tag is still on it. */
async function taggedLink() {
  const tag = uniqueTag("sec");
  const link = await createLink({ url: "https://example.com/tag", tags: [tag] });
  return { tag, unchanged: async () => expect(await tagsOf(link.slug)).toEqual([tag]) };
}

/** A domain without links, added with ADMIN_API_KEY; it stays (test domains are unique and harmless). */
async function newDomain(): Promise<string> {
  const hostname = uniqueHost("sec");
  const res = await call("POST", "/api/v1/domains", { body: { hostname } });
  if (res.status !== 201) throw new Error(`adding a domain: ${res.status} ${await res.text()}`);
  return hostname;
}

async function domainOf(hostname: string) {
  const { data } = (await (await call("GET", "/api/v1/domains")).json()) as { data: { hostname: string; rootRedirect: string | null }[] };
  return data.find((d) => d.hostname === hostname);
}

/** A viewer invited with ADMIN_API_KEY. */
async function invite(): Promise<{ id: string; email: string }> {
  const res = await call("POST", "/api/v1/users", { body: { email: `${uniqueSlug("inv")}@example.com`, role: "viewer" } });
  if (res.status !== 201) throw new Error(`inviting a person: ${res.status} ${await res.text()}`);
  return (await res.json()) as { id: string; email: string };
}

async function personByEmail(email: string) {
  const { data } = (await (await call("GET", "/api/v1/users")).json()) as { data: { email: string; role: string }[] };
  return data.find((u) => u.email === email);
}
