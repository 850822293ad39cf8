/** The tags routes as tests read them: a tag's row in the list, a link's tags, and a fresh tag name. */
import { expect } from "vitest";
import type { TagStats } from "../../functions/api/tags/schemas.ts";
import { uniqueSlug } from "./unique.ts";
import { call } from "./worker.ts";

/** A tag no other test carries. */
export const uniqueTag = (prefix = "tg") => uniqueSlug(prefix);

/** `/api/v1/tags/{tag}`, the tag percent-encoded as a client sends it. */
export const tagPath = (tag: string) => `/api/v1/tags/${encodeURIComponent(tag)}`;

/** GET /api/v1/tags as `key` (ADMIN_API_KEY when not given), by tag. */
export async function tagRows(key?: string): Promise<Map<string, TagStats>> {
  const res = await call("GET", "/api/v1/tags", { key });
  expect(res.status, await res.clone().text()).toBe(200);
  const { data } = (await res.json()) as { data: TagStats[] };
  return new Map(data.map((t) => [t.tag, t]));
}

/** The tags of a link on the default domain, as the admin sees them. */
export async function tagsOf(slug: string, domain?: string): Promise<string[]> {
  const res = await call("GET", `/api/v1/links/${slug}${domain ? `?domain=${domain}` : ""}`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { tags: string[] }).tags;
}
