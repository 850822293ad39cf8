/** Domains for tests: added through the API under names no other test uses, and removed with their links afterwards. */
import { eq, inArray } from "drizzle-orm";
import { domains, links } from "../../db/schema.ts";
import { redisKeys } from "../../functions/shared/redis-keys.ts";
import { withDb } from "./db.ts";
import { forgetClicks } from "./forget-clicks.ts";
import { dropStreamClicks } from "./redirect.ts";
import { redis } from "./redis.ts";
import { call } from "./worker.ts";

/** The default domain of the test run: the host of PUBLIC_BASE_URL (dev/test.ts). */
export const DEFAULT_HOST = "sho.rt";

export const uniqueHost = (tag = "d") => `${tag}${crypto.randomUUID().slice(0, 8)}.example.test`;

/**
 * Tracks the domains a test file adds, so cleanup() removes them and every link on them, with their clicks
 * (on the stream and ingested), and the links of `links` (any domain) the same way.
 */
export class DomainFixtures {
  readonly hosts = new Set<string>();
  /** Ids of other links to remove with their clicks (made on the default domain, say). */
  readonly links = new Set<string>();

  async add(body: { hostname?: string; rootRedirect?: string | null; notFoundRedirect?: string | null; [field: string]: unknown } = {}): Promise<any> {
    const hostname = body.hostname ?? uniqueHost();
    const res = await call("POST", "/api/v1/domains", { body: { ...body, hostname } });
    if (res.status !== 201) throw new Error(`adding a domain: ${res.status} ${await res.text()}`);
    this.hosts.add(hostname);
    return res.json();
  }

  async cleanup(): Promise<void> {
    const hosts = [...this.hosts];
    const ids = [...this.links];
    await withDb(async (db) => {
      const rows = [
        ...(hosts.length ? await db.delete(links).where(inArray(links.domain, hosts)).returning() : []),
        ...(ids.length ? await db.delete(links).where(inArray(links.id, ids)).returning() : []),
      ];
      const keys = rows.flatMap((r) => [redisKeys.linkOn(r.domain, r.slug), redisKeys.clickClaims(r.id)]);
      if (keys.length) await redis.del(...keys);
      ids.push(...rows.map((r) => r.id));
      for (const h of hosts) await db.delete(domains).where(eq(domains.hostname, h));
    });
    await dropStreamClicks(ids);
    await forgetClicks(ids);
    if (hosts.length) await redis.del(redisKeys.domainTable, ...hosts.map(redisKeys.appFiles));
    this.hosts.clear();
    this.links.clear();
  }
}

/** A request on `host` (the Worker sees it in the URL, as Cloudflare hands it over). */
export const on = (host: string, path: string) => `http://${host}${path}`;

/**
 * Sets (or with null, clears) a domain's qrLogo straight in the database, as the domains API stores it (a
 * data: URL); the default domain's row is "".
 */
export async function setQrLogo(hostname: string, dataUrl: string | null): Promise<void> {
  await withDb((db) => db.update(domains).set({ qrLogo: dataUrl }).where(eq(domains.hostname, hostname)));
}
