/**
 * Cache writes that arrive out of order: the Redis link cache never goes back in time. Each case delays one
 * writer by issuing its write after a later one, as a slow request would, and checks what the next redirect
 * (isolate cache off) and Redis then hold.
 */
import { afterEach, describe, expect, it } from "vitest";
import { deleteLink, updateLink } from "../db/queries/links.ts";
import { fillLinkCache, toCachedLink, writeThrough } from "../functions/redirect/link-cache/index.ts";
import { redisKeys } from "../functions/shared/redis-keys.ts";
import { withDb } from "./helpers/db.ts";
import { redis } from "./helpers/redis.ts";
import { Fixtures, human } from "./helpers/redirect.ts";
import { call } from "./helpers/worker.ts";

const f = new Fixtures();
afterEach(() => f.cleanup());

const ctx = { waitUntil: () => {} };
const noIsolateCache = { LINK_CACHE_SECONDS: "0" };
const patch = (slug: string, url: string) => withDb(async (db) => (await updateLink(db, null, slug, { url }))!);
const location = async (slug: string) => {
  const res = await call("GET", `/${slug}`, { ...human(), settings: noIsolateCache });
  return res.status === 302 ? res.headers.get("location") : res.status;
};

describe("link cache writes out of order", () => {
  it("keep the newer of two PATCHes whose writes arrive in the wrong order", async () => {
    const link = await f.link({ url: "https://example.com/v1" });
    const v2 = await patch(link.slug, "https://example.com/v2");
    const v3 = await patch(link.slug, "https://example.com/v3");
    await writeThrough(redis, ctx, [v3]);
    await writeThrough(redis, ctx, [v2]); // the slow one
    expect(await redis.get(redisKeys.link(link.slug))).toMatchObject({ url: "https://example.com/v3", version: 3 });
    expect(await location(link.slug)).toBe("https://example.com/v3");
  });

  it("never bring a deleted link back: a PATCH's write landing after the DELETE's loses to its tombstone", async () => {
    const link = await f.link({ url: "https://example.com/doomed" });
    const patched = await patch(link.slug, "https://example.com/doomed-v2");
    const deleted = (await withDb((db) => deleteLink(db, null, link.slug)))!;
    await writeThrough(redis, ctx, [], [{ slug: link.slug, row: deleted }]);
    await writeThrough(redis, ctx, [patched]); // the slow one
    await withDb((db) => fillLinkCache(redis, db, link.slug, toCachedLink(patched))); // a redirect's slow fill
    expect(await redis.get(redisKeys.link(link.slug))).toMatchObject({ missing: true, tombstone: true });
    expect(await location(link.slug)).toBe(404);
  });

  it("let a new link take a deleted slug, and a late tombstone of the old one not remove it", async () => {
    const old = await f.link({ url: "https://example.com/first-owner" });
    const deleted = (await withDb((db) => deleteLink(db, null, old.slug)))!;
    const fresh = await f.link({ slug: old.slug, url: "https://example.com/second-owner" });
    await writeThrough(redis, ctx, [fresh]);
    await writeThrough(redis, ctx, [], [{ slug: old.slug, row: deleted }]); // the slow DELETE's write
    expect(await location(old.slug)).toBe("https://example.com/second-owner");
  });

  it("not let a stale write of a link that moved away replace the slug's new owner", async () => {
    const moving = await f.link({ url: "https://example.com/moving" });
    const stale = await patch(moving.slug, "https://example.com/moving-v2"); // its write will be the slow one
    const target = f.slug();
    const moved = (await withDb((db) => updateLink(db, null, moving.slug, { slug: target })))!;
    await writeThrough(redis, ctx, [moved], [{ slug: moving.slug, row: moved }]);
    await new Promise((r) => setTimeout(r, 5)); // the new owner is written after the stale write was made
    const owner = await f.link({ slug: moving.slug, url: "https://example.com/new-owner" });
    await writeThrough(redis, ctx, [owner]);
    await writeThrough(redis, ctx, [stale]);
    expect(await location(moving.slug)).toBe("https://example.com/new-owner");
    expect(await location(target)).toBe("https://example.com/moving-v2");
  });
});
