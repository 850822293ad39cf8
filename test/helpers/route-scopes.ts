/**
 * The scope table: every /api/v1 route with the scope it enforces. links.security.test.ts calls each route as
 * every kind of caller; openapi.security.test.ts checks that the OpenAPI document declares exactly these
 * routes with these scopes, so a new route joins the table (and both tests) when it is added.
 */
import { expect } from "vitest";
import type { Scope } from "../../functions/shared/auth/scopes.ts";
import { createLink, mintKey } from "./api.ts";
import { uniqueSlug } from "./unique.ts";
import { createTestWebhook, SINK, sendTestPing } from "./webhooks.ts";
import { call } from "./worker.ts";

/** One call of a route, ready to send, and how to check that a refused one changed nothing. */
export interface PreparedCall {
  method: string;
  path: string;
  body?: unknown;
  /** Asserts that a refused call left no trace. */
  unchanged: () => Promise<void>;
}

/** A route, the scope it needs, its success status, and a fresh call of it (with what it needs made first). */
export interface RouteCase {
  /** "METHOD /path" as the OpenAPI document names it. */
  route: string;
  scope: Scope;
  success: number;
  prepare: () => Promise<PreparedCall>;
}

const status = async (method: string, path: string) => (await call(method, path)).status;

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
  },
  {
    route: "GET /api/v1/links",
    scope: "links:read",
    success: 200,
    prepare: async () => ({ method: "GET", path: "/api/v1/links?limit=1", unchanged: async () => {} }),
  },
  {
    route: "GET /api/v1/links/{slug}",
    scope: "links:read",
    success: 200,
    prepare: async () => {
      const link = await createLink({ url: "https://example.com/g" });
      return { method: "GET", path: `/api/v1/links/${link.slug}`, unchanged: async () => {} };
    },
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
  },
  {
    route: "GET /api/v1/links/{slug}/stats",
    scope: "analytics:read",
    success: 200,
    prepare: async () => {
      const link = await createLink({ url: "https://example.com/st" });
      return { method: "GET", path: `/api/v1/links/${link.slug}/stats`, unchanged: async () => {} };
    },
  },
  {
    route: "GET /api/v1/stats",
    scope: "analytics:read",
    success: 200,
    prepare: async () => ({ method: "GET", path: "/api/v1/stats", unchanged: async () => {} }),
  },
  {
    route: "POST /api/v1/ingest/flush",
    scope: "admin",
    success: 200,
    prepare: async () => ({ method: "POST", path: "/api/v1/ingest/flush", unchanged: async () => {} }),
  },
  {
    route: "GET /api/v1/ingest/status",
    scope: "admin",
    success: 200,
    prepare: async () => ({ method: "GET", path: "/api/v1/ingest/status", unchanged: async () => {} }),
  },
  {
    route: "POST /api/v1/ingest/dead-letters/replay",
    scope: "admin",
    success: 200,
    prepare: async () => ({ method: "POST", path: "/api/v1/ingest/dead-letters/replay", unchanged: async () => {} }),
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
  },
  {
    route: "GET /api/v1/keys",
    scope: "admin",
    success: 200,
    prepare: async () => ({ method: "GET", path: "/api/v1/keys", unchanged: async () => {} }),
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
  },
  {
    route: "POST /api/v1/webhooks",
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
    scope: "admin",
    success: 200,
    prepare: async () => ({ method: "GET", path: "/api/v1/webhooks", unchanged: async () => {} }),
  },
  {
    route: "GET /api/v1/webhooks/{id}",
    scope: "admin",
    success: 200,
    prepare: async () => ({ method: "GET", path: `/api/v1/webhooks/${(await createTestWebhook()).id}`, unchanged: async () => {} }),
  },
  {
    route: "PATCH /api/v1/webhooks/{id}",
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
    scope: "admin",
    success: 204,
    prepare: async () => {
      const { id } = await createTestWebhook();
      return { method: "DELETE", path: `/api/v1/webhooks/${id}`, unchanged: async () => expect(await status("GET", `/api/v1/webhooks/${id}`)).toBe(200) };
    },
  },
  {
    route: "POST /api/v1/webhooks/{id}/test",
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
    scope: "admin",
    success: 200,
    prepare: async () => ({ method: "GET", path: `/api/v1/webhooks/${(await createTestWebhook()).id}/deliveries`, unchanged: async () => {} }),
  },
  {
    route: "POST /api/v1/webhooks/{id}/deliveries/{deliveryId}/retry",
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
    scope: "admin",
    success: 200,
    prepare: async () => ({
      method: "POST", path: `/api/v1/webhooks/qstash-callback?delivery=msg_${"A".repeat(24)}&outcome=failure`, body: { status: 500, retried: 3 },
      unchanged: async () => {},
    }),
  },
];
