/**
 * A background import acts for the key that sent it only while that key may still do so: each chunk re-reads
 * the key as authentication does. Revoked, or without links:write any more, the job fails with that reason
 * at the next chunk and writes nothing more; narrower restrictions apply to the chunks still to come.
 */
import { eq, sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import type { Db } from "../db/client.ts";
import { selectImportJob } from "../db/queries/imports.ts";
import { apiKeys, importChunks, importJobs, links } from "../db/schema.ts";
import type { SourceRow } from "../functions/imports/apply.ts";
import { runImports, storeJob } from "../functions/imports/jobs.ts";
import { createRedis } from "../functions/shared/redis.ts";
import { withDb } from "./helpers/db.ts";
import { DomainFixtures } from "./helpers/domains.ts";
import { config } from "./helpers/env.ts";
import { mintRestrictedKey } from "./helpers/restrictions.ts";
import { call } from "./helpers/worker.ts";

const fixtures = new DomainFixtures();
afterAll(() => fixtures.cleanup());

const ROWS = 1_250; // three chunks of 500, 500 and 250

const countOn = async (db: Db, host: string) =>
  (await db.select({ n: sql<number>`count(*)::int` }).from(links).where(eq(links.domain, host)))[0].n;

/** A job of ROWS rows sent by `key` (stored as the import route stores one), and what drives it. */
async function jobOf(db: Db, key: { id: string; domains: string[] | null; ownLinksOnly: boolean }, host: string) {
  const id = crypto.randomUUID();
  const rows: SourceRow[] = Array.from({ length: ROWS }, (_, i) => ({ line: i + 2, values: { url: `https://example.com/key-job/${i}`, domain: host } }));
  const principal = { kind: "key" as const, id: key.id, name: "job key", scopes: ["links:write" as const], domains: key.domains, ownLinksOnly: key.ownLinksOnly };
  await storeJob(db, id, { principal, requestUrl: "http://sho.rt/api/v1/links/import" }, { format: "csv", onConflict: "skip", dryRun: false }, rows, (async function* () {})());
  const pending: Promise<unknown>[] = [];
  const deps = { db, config, redis: createRedis(config), waitUntil: (p: Promise<unknown>) => void pending.push(p) };
  return {
    id,
    run: (maxChunks?: number) => runImports(deps, 20_000, id, maxChunks),
    /** Waits for the cache writes, then removes the job and its links in one statement each (no clicks to forget). */
    async done() {
      await Promise.all(pending);
      await db.delete(importJobs).where(eq(importJobs.id, id));
      await db.delete(links).where(eq(links.domain, host));
    },
  };
}

describe("a background import whose key changed after it was sent", () => {
  it("stops at the next chunk once the key is revoked: failed with the reason, nothing written after", async () => {
    const { hostname } = await fixtures.add();
    const key = await mintRestrictedKey({}, ["links:write"]);
    await withDb(async (db) => {
      const job = await jobOf(db, key, hostname);
      expect(await job.run(1)).toEqual({ chunks: 1 });
      expect(await countOn(db, hostname)).toBe(500);

      expect((await call("DELETE", `/api/v1/keys/${key.id}`)).status).toBe(204);
      expect((await call("GET", "/api/v1/links", { key: key.key })).status).toBe(401);

      expect(await job.run()).toEqual({ chunks: 0 });
      const report = await selectImportJob(db, job.id);
      expect(report).toMatchObject({ status: "failed", processed: 500, created: 500 });
      expect(report?.message).toMatch(/revoked/);
      // Every link of the file is one the key made before it was revoked; the rest of the file is dropped.
      expect(await countOn(db, hostname)).toBe(500);
      const makers = await db.selectDistinct({ by: links.createdBy }).from(links).where(eq(links.domain, hostname));
      expect(makers).toEqual([{ by: key.id }]);
      expect(await db.select().from(importChunks).where(eq(importChunks.jobId, job.id))).toEqual([]);
      // The API reports it as failed, with the reason.
      const api = (await (await call("GET", `/api/v1/imports/${job.id}`)).json()) as { status: string; message: string };
      expect(api).toMatchObject({ status: "failed", message: report?.message });
      await job.done();
    });
  });

  it("stops once the key has lost links:write", async () => {
    const { hostname } = await fixtures.add();
    const key = await mintRestrictedKey({}, ["links:write", "links:read"]);
    await withDb(async (db) => {
      const job = await jobOf(db, key, hostname);
      expect(await job.run(1)).toEqual({ chunks: 1 });
      await db.update(apiKeys).set({ scopes: ["links:read"] }).where(eq(apiKeys.id, key.id));
      expect((await call("POST", "/api/v1/links", { key: key.key, body: { url: "https://example.com/x", domain: hostname } })).status).toBe(403);

      expect(await job.run()).toEqual({ chunks: 0 });
      const report = await selectImportJob(db, job.id);
      expect(report).toMatchObject({ status: "failed", processed: 500, created: 500 });
      expect(report?.message).toMatch(/links:write/);
      expect(await countOn(db, hostname)).toBe(500);
      await job.done();
      await db.delete(apiKeys).where(eq(apiKeys.id, key.id));
    });
  });

  it("applies the key's restrictions as they are when each chunk runs", async () => {
    const { hostname } = await fixtures.add();
    const other = await fixtures.add();
    const key = await mintRestrictedKey({ domains: [hostname] }, ["links:write"]);
    await withDb(async (db) => {
      const job = await jobOf(db, key, hostname);
      expect(await job.run(1)).toEqual({ chunks: 1 });
      // The key now serves another domain only: the rest of the file's rows, on the first, fail one by one.
      await db.update(apiKeys).set({ domains: [other.hostname] }).where(eq(apiKeys.id, key.id));
      expect(await job.run()).toEqual({ chunks: 2 });
      const report = await selectImportJob(db, job.id);
      expect(report).toMatchObject({ status: "done", processed: ROWS, created: 500, failed: ROWS - 500 });
      expect(report?.errors[0]).toMatchObject({ line: 502 });
      expect(report?.errors[0].message).toMatch(/^domain: /);
      expect(await countOn(db, hostname)).toBe(500);
      await job.done();
      await db.delete(apiKeys).where(eq(apiKeys.id, key.id));
    });
  });
});
