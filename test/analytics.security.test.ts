/** Who may read stats: the analytics:read scope (or admin), nothing less. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { get, insertKey, makeLink } from "./helpers/analytics.ts";
import { openDb } from "./helpers/db.ts";

const { db, pool } = openDb();
let slug = "";
const keys: Record<string, string> = {};
beforeAll(async () => {
  slug = (await makeLink(db)).slug;
  keys.linksRead = await insertKey(db, ["links:read", "links:write"]);
  keys.analytics = await insertKey(db, ["analytics:read"]);
  keys.revoked = await insertKey(db, ["analytics:read"], { revoked: true });
  keys.admin = await insertKey(db, ["admin"]);
});
afterAll(() => pool.end());

describe("stats: scopes", () => {
  for (const path of ["/api/v1/links/{slug}/stats", "/api/v1/stats"]) {
    it(`${path}: answers 401 without a key and for an unknown or revoked key`, async () => {
      for (const key of [null, "not-a-key-at-all", keys.revoked]) {
        const res = await get(path.replace("{slug}", slug), key);
        expect(res.status).toBe(401);
        expect(res.headers.get("content-type")).toBe("application/problem+json");
      }
    });

    it(`${path}: answers 403 to a key with links scopes only`, async () => {
      const res = await get(path.replace("{slug}", slug), keys.linksRead);
      expect(res.status).toBe(403);
      expect(((await res.json()) as { detail: string }).detail).toContain("analytics:read");
    });

    it(`${path}: answers 200 to analytics:read, an admin key and ADMIN_API_KEY`, async () => {
      for (const key of [keys.analytics, keys.admin, undefined]) {
        expect((await get(path.replace("{slug}", slug), key)).status).toBe(200);
      }
    });

    it(`${path}: checks the key before the parameters, so a stranger learns nothing from errors`, async () => {
      expect((await get(`${path.replace("{slug}", slug)}?tz=nowhere`, null)).status).toBe(401);
      expect((await get(`${path.replace("{slug}", slug)}?tz=nowhere`, keys.linksRead)).status).toBe(403);
    });
  }

  it("does not tell a key without the scope whether a slug exists", async () => {
    expect((await get("/api/v1/links/no-such-slug-xyz/stats", keys.linksRead)).status).toBe(403);
  });
});
