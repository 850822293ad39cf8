/**
 * When Google Safe Browsing does not answer (a 500, or no answer within SAFE_BROWSING_TIMEOUT_MS), a link
 * write fails open: the link is made or changed, and its health check, which asks Safe Browsing again, is due
 * at once (health_due_at = now); no verdict is cached, so the next write asks again (docs/abuse.md says why).
 * The blocklist does not depend on it: a blocklisted host is still refused.
 */
import { afterAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { links } from "../db/schema.ts";
import { BlocklistFixtures, standInFlags, standInLookups, uniqueBlockHost } from "./helpers/blocklist.ts";
import { withDb } from "./helpers/db.ts";
import { DomainFixtures } from "./helpers/domains.ts";
import { uniqueSlug } from "./helpers/unique.ts";
import { call } from "./helpers/worker.ts";

const blocklist = new BlocklistFixtures();
const d = new DomainFixtures();
afterAll(async () => {
  await blocklist.cleanup();
  await d.cleanup();
});

/** A short timeout, so a hanging lookup costs the test a fraction of a second. */
const settings = { SAFE_BROWSING_TIMEOUT_MS: "300" };

async function healthDueOf(id: string): Promise<Date | null> {
  const [row] = await withDb((db) => db.select({ due: links.healthDueAt }).from(links).where(eq(links.id, id)));
  return row.due;
}

describe("Safe Browsing down", () => {
  for (const behaviour of ["fail", "hang"] as const) {
    it(`(${behaviour === "fail" ? "a 500" : "no answer"}) a create goes on and the link is due for a re-check now; nothing is cached`, async () => {
      const { hostname: domain } = await d.add();
      const url = `https://example.com/down/${uniqueSlug(behaviour)}`;
      await standInFlags(url, behaviour);
      const started = Date.now();
      const res = await call("POST", "/api/v1/links", { body: { url, slug: uniqueSlug("down"), domain }, settings });
      expect(res.status).toBe(201);
      expect(Date.now() - started).toBeLessThan(5000);
      const link = (await res.json()) as any;
      const due = await healthDueOf(link.id);
      expect(due).not.toBeNull();
      expect(Math.abs(due!.getTime() - Date.now())).toBeLessThan(60_000);
      expect(await standInLookups(url)).toBe(1);
      // Not cached: the next write asks again.
      const again = await call("POST", "/api/v1/links", { body: { url, slug: uniqueSlug("down"), domain }, settings });
      expect(again.status).toBe(201);
      expect(await standInLookups(url)).toBe(2);
    });
  }

  it("a patch goes on too, and marks the link; a bulk marks only the links whose lookup failed", async () => {
    const { hostname: domain } = await d.add();
    const made = await call("POST", "/api/v1/links", { body: { url: "https://example.com/fine", slug: uniqueSlug("down"), domain } });
    const link = (await made.json()) as any;
    await withDb((db) => db.update(links).set({ healthDueAt: new Date(Date.now() + 86_400_000) }).where(eq(links.id, link.id)));
    const url = `https://example.com/down/${uniqueSlug("patch")}`;
    await standInFlags(url, "fail");
    const res = await call("PATCH", `/api/v1/links/${link.slug}?domain=${domain}`, { body: { fallbackUrl: url }, settings });
    expect(res.status).toBe(200);
    expect((await healthDueOf(link.id))!.getTime()).toBeLessThan(Date.now() + 60_000);

    const bulk = await call("POST", "/api/v1/links/bulk", {
      body: { links: [{ url: `https://example.com/up/${uniqueSlug("b")}`, domain }, { url, domain }] },
      settings,
    });
    const { results } = (await bulk.json()) as any;
    expect(results.map((r: any) => r.ok)).toEqual([true, true]);
    // One lookup carried both URLs and failed: both are re-checked.
    for (const r of results) expect(Math.abs((await healthDueOf(r.link.id))!.getTime() - Date.now())).toBeLessThan(60_000);
  });

  it("a blocklisted host is still refused", async () => {
    const host = uniqueBlockHost();
    await blocklist.add(host);
    const url = `https://${host}/x`;
    await standInFlags(url, "hang");
    const res = await call("POST", "/api/v1/links", { body: { url }, settings });
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({ source: "blocklist" });
    // Refused before any lookup.
    expect(await standInLookups(url)).toBe(0);
  });

  it("a healthy write leaves health_due_at alone", async () => {
    const { hostname: domain } = await d.add();
    const res = await call("POST", "/api/v1/links", { body: { url: `https://example.com/ok/${uniqueSlug("ok")}`, domain } });
    // A new link's first check is a few minutes away (the column's default), not now as after a failed lookup.
    expect((await healthDueOf(((await res.json()) as any).id))!.getTime()).toBeGreaterThan(Date.now() + 60_000);
  });
});
