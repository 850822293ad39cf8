/** The SQL of background imports (functions/imports/jobs.ts). */
import { and, asc, eq, inArray, isNull, lt, or, sql } from "drizzle-orm";
import type { Db } from "../client.ts";
import { importChunks, importJobs, type ImportJobRow, type StoredImportRow } from "../schema.ts";

export type NewImportJob = typeof importJobs.$inferInsert;

export async function insertImportJob(db: Db, job: NewImportJob): Promise<void> {
  await db.insert(importJobs).values(job);
}

export async function insertImportChunk(db: Db, jobId: string, seq: number, rows: StoredImportRow[]): Promise<void> {
  await db.insert(importChunks).values({ jobId, seq, rows });
}

/** The upload is stored: the job may run. */
export async function startImportJob(db: Db, id: string, total: number): Promise<void> {
  await db.update(importJobs).set({ status: "running", total, updatedAt: sql`now()` }).where(eq(importJobs.id, id));
}

export async function failImportJob(db: Db, id: string, message: string): Promise<void> {
  await db.update(importJobs).set({ status: "failed", message, leaseUntil: null, updatedAt: sql`now()` }).where(eq(importJobs.id, id));
  await db.delete(importChunks).where(eq(importChunks.jobId, id));
}

export async function selectImportJob(db: Db, id: string): Promise<ImportJobRow | undefined> {
  const [row] = await db.select().from(importJobs).where(eq(importJobs.id, id)).limit(1);
  return row;
}

/**
 * Takes the oldest running job whose lease is free (or `id`'s) for `leaseMs`: one run at a time per job.
 * An upload that never finished (its request died) is failed after an hour; reports are kept 30 days.
 */
export async function claimImportJob(db: Db, leaseMs: number, id?: string): Promise<ImportJobRow | undefined> {
  await db
    .delete(importJobs)
    .where(and(inArray(importJobs.status, ["done", "failed"]), lt(importJobs.updatedAt, sql`now() - interval '30 days'`)));
  await db
    .update(importJobs)
    .set({ status: "failed", message: "the upload did not finish", updatedAt: sql`now()` })
    .where(and(eq(importJobs.status, "receiving"), lt(importJobs.createdAt, sql`now() - interval '1 hour'`)));
  const free = or(isNull(importJobs.leaseUntil), lt(importJobs.leaseUntil, sql`now()`));
  const pick = db
    .select({ id: importJobs.id })
    .from(importJobs)
    .where(and(eq(importJobs.status, "running"), free, id === undefined ? undefined : eq(importJobs.id, id)))
    .orderBy(asc(importJobs.createdAt))
    .limit(1)
    .for("update", { skipLocked: true });
  const [row] = await db
    .update(importJobs)
    .set({ leaseUntil: sql`now() + ${`${leaseMs} milliseconds`}::interval` })
    .where(eq(importJobs.id, sql`(${pick})`))
    .returning();
  return row;
}

export async function selectImportChunk(db: Db, jobId: string, seq: number): Promise<StoredImportRow[] | undefined> {
  const [row] = await db
    .select({ rows: importChunks.rows })
    .from(importChunks)
    .where(and(eq(importChunks.jobId, jobId), eq(importChunks.seq, seq)))
    .limit(1);
  return row?.rows;
}

/** A chunk applied: its counts added, the next chunk named, the chunk deleted, the lease renewed (in the caller's transaction). */
export async function recordImportChunk(
  db: Db, job: ImportJobRow, counts: Pick<ImportJobRow, "processed" | "created" | "updated" | "skipped" | "failed" | "errors">, leaseMs: number,
): Promise<void> {
  await db
    .update(importJobs)
    .set({
      ...counts,
      nextChunk: job.nextChunk + 1,
      leaseUntil: sql`now() + ${`${leaseMs} milliseconds`}::interval`,
      updatedAt: sql`now()`,
    })
    .where(and(eq(importJobs.id, job.id), eq(importJobs.nextChunk, job.nextChunk)));
  await db.delete(importChunks).where(and(eq(importChunks.jobId, job.id), eq(importChunks.seq, job.nextChunk)));
}

export async function finishImportJob(db: Db, id: string): Promise<void> {
  await db.update(importJobs).set({ status: "done", leaseUntil: null, updatedAt: sql`now()` }).where(eq(importJobs.id, id));
}

/** Releases the lease early, so the next run need not wait for it. */
export async function releaseImportJob(db: Db, id: string): Promise<void> {
  await db.update(importJobs).set({ leaseUntil: null }).where(eq(importJobs.id, id));
}
