/**
 * The app-files cache while things race or fail: a fill from Postgres that read the files before a change
 * committed (or before the domain went) cannot leave them in Redis; Redis down serves from Postgres and the
 * API's delete of the key is retried until Redis is back; Postgres down serves what Redis holds and answers
 * 503, not 500, for the rest.
 */
import { afterEach, describe, expect, it } from "vitest";
import { fillAppFiles, readAppFiles } from "../functions/redirect/app-files.ts";
import { redisKeys } from "../functions/shared/redis-keys.ts";
import { AASA_PATH, aasaFor, wellKnown } from "./helpers/app-files.ts";
import { control } from "./helpers/control.ts";
import { withDb } from "./helpers/db.ts";
import { DomainFixtures } from "./helpers/domains.ts";
import { expectProblem } from "./helpers/redirect.ts";
import { redis } from "./helpers/redis.ts";
import { call } from "./helpers/worker.ts";

const d = new DomainFixtures();
afterEach(() => d.cleanup());

const noIsolateCache = { LINK_CACHE_SECONDS: "0" };
const patchAasa = (host: string, app: string, opts: { background?: boolean } = {}) =>
  call("PATCH", `/api/v1/domains/${host}`, { body: { appleAppSiteAssociation: aasaFor(app) }, ...opts });
const servedAasa = async (host: string) => {
  const res = await wellKnown(host, AASA_PATH, noIsolateCache);
  return res.status === 200 ? await res.text() : res.status;
};
const fill = (host: string, seen: Awaited<ReturnType<typeof readAppFiles>>) => withDb((db) => fillAppFiles({ redis, db: () => db }, host, seen));

describe("fills racing the domains API", () => {
  it("drop files read from Postgres before a PATCH committed, instead of keeping them an hour", async () => {
    const a = await d.add({ appleAppSiteAssociation: aasaFor("com.example.before") });
    const stale = await withDb((db) => readAppFiles(db, a.hostname)); // what a request read...
    expect((await patchAasa(a.hostname, "com.example.after")).status).toBe(200); // ...then the PATCH, which deleted the key
    await fill(a.hostname, stale); // ...then that request's fill, last
    expect(await redis.exists(redisKeys.appFiles(a.hostname))).toBe(0);
    expect(await servedAasa(a.hostname)).toBe(JSON.stringify(aasaFor("com.example.after")));
    expect(await redis.get(redisKeys.appFiles(a.hostname))).toMatchObject({ aasa: JSON.stringify(aasaFor("com.example.after")) });
  });

  it("keep a fill that agrees with Postgres, and drop one of a domain removed meanwhile", async () => {
    const a = await d.add({ appleAppSiteAssociation: aasaFor("com.example.same") });
    const now = await withDb((db) => readAppFiles(db, a.hostname));
    await fill(a.hostname, now);
    expect(await redis.get(redisKeys.appFiles(a.hostname))).toEqual(now);

    expect((await call("DELETE", `/api/v1/domains/${a.hostname}`)).status).toBe(204);
    await fill(a.hostname, now); // a fill that read the files before the DELETE
    expect(await redis.exists(redisKeys.appFiles(a.hostname))).toBe(0);
    // Its host is served as the default domain, whose files it does not get.
    expect(await servedAasa(a.hostname)).not.toBe(JSON.stringify(aasaFor("com.example.same")));
  });
});

describe("when Redis is down", () => {
  it("serves from Postgres, commits the API's change, and deletes the stale key once Redis is back", async () => {
    const a = await d.add({ appleAppSiteAssociation: aasaFor("com.example.v1") });
    const key = redisKeys.appFiles(a.hostname);
    expect(await servedAasa(a.hostname)).toBe(JSON.stringify(aasaFor("com.example.v1")));
    expect(await redis.exists(key)).toBe(1);
    await control("redis", "stop");
    let restarted = false;
    try {
      // The delete after the commit fails and is retried in waitUntil (not awaited here).
      expect((await patchAasa(a.hostname, "com.example.v2", { background: true })).status).toBe(200);
      expect(await servedAasa(a.hostname)).toBe(JSON.stringify(aasaFor("com.example.v2")));
      await control("redis", "start");
      restarted = true;
      // The stale key lives until a retry deletes it (about 12 s at most), not for its hour.
      await expect.poll(() => redis.exists(key), { timeout: 14_000, interval: 250 }).toBe(0);
      expect(await servedAasa(a.hostname)).toBe(JSON.stringify(aasaFor("com.example.v2")));
    } finally {
      if (!restarted) await control("redis", "start");
    }
  }, 30_000);
});

describe("when Postgres is down", () => {
  it("serves the files Redis holds, and answers 503 (not 500) for a domain it does not hold", async () => {
    const [a, b] = [await d.add({ appleAppSiteAssociation: aasaFor("com.example.held") }), await d.add({ appleAppSiteAssociation: aasaFor("com.example.b") })];
    // Warm: the domain table and both keys in Redis; then b's key goes.
    for (const h of [a.hostname, b.hostname]) expect(typeof (await servedAasa(h))).toBe("string");
    await redis.del(redisKeys.appFiles(b.hostname));
    await control("postgres", "stop");
    try {
      expect(await servedAasa(a.hostname)).toBe(JSON.stringify(aasaFor("com.example.held")));
      await expectProblem(await wellKnown(b.hostname, AASA_PATH, noIsolateCache), 503);
    } finally {
      await control("postgres", "start");
    }
  });
});
