/**
 * A background import survives a run that dies: the job's lease keeps other runs off it until it lapses,
 * then the next run resumes at the chunk reached, and no row is applied twice (rows without slugs would be
 * created twice if a chunk were applied again: the count proves it was not).
 */
import { eq, sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { selectImportJob } from "../db/queries/imports.ts";
import { importChunks, importJobs, links } from "../db/schema.ts";
import { runImports, storeJob } from "../functions/imports/jobs.ts";
import type { SourceRow } from "../functions/imports/apply.ts";
import { createRedis } from "../functions/shared/redis.ts";
import { withDb } from "./helpers/db.ts";
import { DomainFixtures } from "./helpers/domains.ts";
import { config } from "./helpers/env.ts";

const fixtures = new DomainFixtures();
afterAll(() => fixtures.cleanup());

describe("a background import whose run died", () => {
  it("is resumed at the chunk it reached once the lease lapses, each row applied once", async () => {
    const { hostname } = await fixtures.add();
    const id = crypto.randomUUID();
    const rows: SourceRow[] = Array.from({ length: 1_250 }, (_, i) => ({ line: i + 2, values: { url: `https://example.com/resume/${i}` } }));
    const pending: Promise<unknown>[] = [];
    await withDb(async (db) => {
      const deps = { db, config, redis: createRedis(config), waitUntil: (p: Promise<unknown>) => void pending.push(p) };
      const none = (async function* () {})();
      await storeJob(db, id, { principal: undefined, requestUrl: "http://sho.rt/api/v1/links/import" },
        { format: "csv", onConflict: "skip", dryRun: false, domain: hostname }, rows, none);
      expect((await db.select().from(importChunks).where(eq(importChunks.jobId, id))).length).toBe(3);

      // A first run applies one chunk, then dies holding the lease.
      expect(await runImports(deps, 20_000, id, 1)).toEqual({ chunks: 1 });
      await db.update(importJobs).set({ leaseUntil: sql`now() + interval '60 seconds'` }).where(eq(importJobs.id, id));
      expect(await selectImportJob(db, id)).toMatchObject({ status: "running", nextChunk: 1, processed: 500, created: 500 });
      // While the dead run's lease holds, no other run touches the job.
      expect(await runImports(deps, 20_000, id)).toEqual({ chunks: 0 });
      expect(await runImports(deps, 20_000)).toEqual({ chunks: 0 });

      // The lease lapses; the cron resumes at chunk 1.
      await db.update(importJobs).set({ leaseUntil: sql`now() - interval '1 second'` }).where(eq(importJobs.id, id));
      expect(await runImports(deps)).toEqual({ chunks: 2 });
      expect(await selectImportJob(db, id)).toMatchObject({ status: "done", total: 1_250, processed: 1_250, created: 1_250, failed: 0 });
      const [{ n }] = await db.select({ n: sql<number>`count(*)::int` }).from(links).where(eq(links.domain, hostname));
      expect(n).toBe(1_250);
      expect((await db.select().from(importChunks).where(eq(importChunks.jobId, id))).length).toBe(0);
      await Promise.all(pending);
      await db.delete(importJobs).where(eq(importJobs.id, id));
    });
  });
});
