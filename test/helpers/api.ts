/** Arranging through the /api/v1 routes themselves: API keys and links made as a client makes them. */
import type { Scope } from "../../functions/shared/auth/scopes.ts";
import { call } from "./worker.ts";

/** Mints an API key through POST /api/v1/keys (with ADMIN_API_KEY); the answer holds the key itself. */
export async function mintKey(scopes: Scope[], name = "test key"): Promise<{ id: string; key: string; prefix: string }> {
  const res = await call("POST", "/api/v1/keys", { body: { name, scopes } });
  if (res.status !== 201) throw new Error(`minting a key: ${res.status} ${await res.text()}`);
  return (await res.json()) as { id: string; key: string; prefix: string };
}

/** Creates a link through POST /api/v1/links (with `key`, or ADMIN_API_KEY); returns the answer. */
export async function createLink(body: Record<string, unknown>, key?: string): Promise<any> {
  const res = await call("POST", "/api/v1/links", { body, key });
  if (res.status !== 201) throw new Error(`creating a link: ${res.status} ${await res.text()}`);
  return res.json();
}

export const inAnHour = () => new Date(Date.now() + 3600_000).toISOString();
