/**
 * What a key may do, learnt at sign-in by asking the API itself (no second copy of the auth rules): one
 * harmless call per scope, made together. A 401 means the key is unknown or revoked (SessionRejected); a
 * 403 means the scope is missing; anything else means the API let the call through its scope check.
 * The result only decides which pages and buttons are offered: every action is still checked by the API.
 */
import type { Scope } from "../shared/auth/scopes.ts";
import type { ApiClient } from "./api-client.ts";

export async function probeScopes(api: ApiClient): Promise<{ scopes: Scope[] } | { failure: string }> {
  const now = Date.now();
  const hourAgo = new Date(now - 3600_000).toISOString();
  const probes: [Scope, ReturnType<ApiClient["call"]>][] = [
    ["admin", api.call("GET", "/api/v1/keys")],
    ["links:read", api.call("GET", "/api/v1/links", { query: { limit: "1" } })],
    ["analytics:read", api.call("GET", "/api/v1/stats", { query: { from: hourAgo, to: new Date(now).toISOString() } })],
    // A create without a URL: the scope check comes first (403), then validation refuses it (400). Nothing is made.
    ["links:write", api.call("POST", "/api/v1/links", { body: {} })],
  ];
  const results = await Promise.all(probes.map(([, p]) => p));
  // Rate-limited or failing: the answer says nothing about the scope, so say so rather than guess.
  const unsure = results.find((r) => r.status === 429 || r.status >= 500);
  if (unsure) return { failure: "problem" in unsure ? (unsure.problem as { detail: string }).detail : `The API answered ${unsure.status}.` };
  const held = probes.map(([scope]) => scope).filter((_, i) => results[i].status !== 403);
  return { scopes: held.includes("admin") ? ["links:read", "links:write", "analytics:read", "admin"] : held };
}
